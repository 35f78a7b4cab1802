"""Probabilistic losses, per sample, with Keras 3's formulas. The cross-entropies go through kcore's fused ops
(`ops.binary_crossentropy`, `ops.categorical_crossentropy`, `ops.sparse_categorical_crossentropy`), so that the
`from_logits=True` path is one numerically stable op rather than a softmax followed by a log.

Example:
    >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    array([0.05129331, 2.3025851 ], dtype=float32)
"""

import numbers
import warnings

from kcore import config, ops
from kcore.errors import ConfigError, OpIndexError, ShapeError
from kcore_losses.inputs import as_float, check_same_shape, like, plain, prepare, squeeze_or_expand_to_same_rank, xp


def _check_smoothing(loss, label_smoothing):
    if not 0 <= label_smoothing <= 1:
        raise ConfigError(f"{loss}: `label_smoothing` must be in [0, 1]. Received: label_smoothing={label_smoothing}")


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """`mean(-(y * log(p) + (1 - y) * log(1 - p)), axis)`, `p` = `sigmoid(y_pred)` when `from_logits`.

    Label smoothing squeezes the targets towards 0.5: `y * (1 - label_smoothing) + 0.5 * label_smoothing`.
    """
    _check_smoothing("binary_crossentropy", label_smoothing)
    y_pred = as_float(y_pred)
    y_true = like(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_same_shape("binary_crossentropy", y_true, y_pred)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """`-sum(y_true * log(p), axis)` for one-hot (or soft) targets; `p` = `softmax(y_pred)` when `from_logits`,
    else `y_pred` renormalised to sum to 1. Label smoothing: `y * (1 - label_smoothing) + label_smoothing / k`
    for `k` classes."""
    loss = "categorical_crossentropy"
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ConfigError(f"{loss}: `axis` must be an int. Received: axis={axis!r}")
    _check_smoothing(loss, label_smoothing)
    y_pred = as_float(y_pred)
    y_true = like(y_true, y_pred)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        hint = ""
        if tuple(y_true.shape) in (tuple(y_pred.shape[:-1]), (*y_pred.shape[:-1], 1)):
            hint = (" y_true looks like integer class labels: use sparse_categorical_crossentropy, or one-hot "
                    "encode the labels.")
        check_same_shape(loss, y_true, y_pred, hint)
    if y_pred.shape and y_pred.shape[axis] == 1:
        warnings.warn(f"{loss}: expected y_pred of shape (batch_size, num_classes) with num_classes > 1. Received: "
                      f"y_pred.shape={tuple(y_pred.shape)}. Use binary_crossentropy for two classes.",
                      SyntaxWarning, stacklevel=2)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """categorical_crossentropy with integer class labels: `-log(p[label])`.

    Labels have y_pred's shape without its class axis (a trailing axis of size 1 is dropped). Positions whose
    label equals `ignore_class` (e.g. -1, or 255 for a segmentation void class) get a loss of 0.
    """
    loss = "sparse_categorical_crossentropy"
    y_pred = as_float(y_pred)
    labels = plain(y_true)
    if labels.ndim == y_pred.ndim and labels.ndim and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if not y_pred.ndim:
        raise ShapeError(f"{loss}: y_pred must have a class axis. Received: y_pred.shape={tuple(y_pred.shape)}")
    class_axis = axis % y_pred.ndim
    expected = y_pred.shape[:class_axis] + y_pred.shape[class_axis + 1:]
    if tuple(labels.shape) != tuple(expected):
        hint = ""
        if labels.shape == y_pred.shape:
            hint = " y_true looks one-hot encoded: use categorical_crossentropy, or pass the class indices."
        raise ShapeError(f"{loss}: y_true must hold one integer label per position of y_pred without its class "
                         f"axis, i.e. have shape {tuple(expected)}. Received: y_true.shape={tuple(labels.shape)}, "
                         f"y_pred.shape={tuple(y_pred.shape)}.{hint}")
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits, axis=axis)
    valid = labels != ignore_class
    labels = xp().where(valid, labels, 0)
    values = ops.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits, axis=axis)
    return ops.where(valid, values, 0.0)


def kl_divergence(y_true, y_pred):
    """`sum(y_true * log(y_true / y_pred), axis=-1)`, both clipped to [epsilon, 1]."""
    y_true, y_pred = prepare("kl_divergence", y_true, y_pred)
    eps = config.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """`mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`."""
    y_true, y_pred = prepare("poisson", y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + config.epsilon()), axis=-1)


def categorical_generalized_cross_entropy(y_true, y_pred, q=0.5):
    """`(1 - p ** q) / q` with `p = y_pred[label]` (Zhang and Sabuncu, 2018), for integer class labels and
    predicted probabilities: robust to noisy labels, like cross-entropy as `q` nears 0 and like the mean absolute
    error as it nears 1. `q` has Keras's class default here, 0.5 (Keras's function has none).

    Example:
        >>> categorical_generalized_cross_entropy([0, 1], [[0.7, 0.3], [0.2, 0.8]])
        array([0.32667994, 0.21114564], dtype=float32)
    """
    loss = "categorical_generalized_cross_entropy"
    if isinstance(q, bool) or not isinstance(q, numbers.Real) or not 0 < q < 1:
        raise ConfigError(f"{loss}: `q` must be in the open interval (0, 1). Received: q={q!r}")
    y_pred = as_float(y_pred)
    labels = plain(y_true)
    if labels.ndim == y_pred.ndim and labels.ndim and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if not y_pred.ndim or tuple(labels.shape) != tuple(y_pred.shape[:-1]):
        hint = " y_true looks one-hot encoded: pass the class indices." if labels.shape == y_pred.shape else ""
        raise ShapeError(f"{loss}: y_true must hold one integer class label per row of y_pred (batch, ..., "
                         f"classes). Received: y_true.shape={tuple(labels.shape)}, "
                         f"y_pred.shape={tuple(y_pred.shape)}.{hint}")
    classes = y_pred.shape[-1]
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= classes):
        raise OpIndexError(f"{loss}: labels must be in [0, {classes}) for y_pred with {classes} classes. Received "
                           f"labels in [{int(labels.min())}, {int(labels.max())}]. Check the label encoding.")
    module = xp()
    one_hot = (labels.astype("int64")[..., None] == module.arange(y_pred.shape[-1])).astype(y_pred.dtype)
    probability = ops.sum(y_pred * one_hot, axis=-1)
    return (1.0 - ops.power(probability, float(q))) / q
