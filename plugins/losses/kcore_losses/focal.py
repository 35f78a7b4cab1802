"""Focal cross-entropies (Lin et al., 2017, "Focal Loss for Dense Object Detection"), per sample, as Keras 3
computes them: the cross-entropy of each class is scaled by a focal factor `(1 - p_t) ** gamma` that shrinks the
loss of well-classified examples, so that training concentrates on the hard ones. `gamma=0` gives back the plain
cross-entropy (times `alpha` for the categorical one).

As in Keras, a probability is clipped to `[epsilon, 1 - epsilon]` inside the logarithm (no gradient flows through
a clipped value), and `from_logits=True` applies the sigmoid or softmax first.

Example:
    >>> binary_focal_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], gamma=2.0)
    array([0.32986468, 0.20579839], dtype=float32)
"""

import numbers
import warnings

from kcore import config, ops
from kcore.errors import ConfigError, ShapeError
from kcore_losses.inputs import as_float, check_same_shape, like, squeeze_or_expand_to_same_rank


def _check_arguments(loss, gamma, label_smoothing):
    if isinstance(gamma, bool) or not isinstance(gamma, numbers.Real) or gamma < 0:
        raise ConfigError(f"{loss}: `gamma` must be a number >= 0 (0 turns the focal factor off). "
                          f"Received: gamma={gamma!r}")
    if not 0 <= label_smoothing <= 1:
        raise ConfigError(f"{loss}: `label_smoothing` must be in [0, 1]. Received: label_smoothing={label_smoothing}")


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                              label_smoothing=0.0, axis=-1):
    """`mean(focal_factor * bce, axis)` with `focal_factor = (1 - p_t) ** gamma`, `p_t = p` for class 1 and
    `1 - p` for class 0, and `bce` the binary cross-entropy of `p` (clipped to `[epsilon, 1 - epsilon]`).

    With `apply_class_balancing`, class 1 is also weighted by `alpha` and class 0 by `1 - alpha`. Label smoothing
    squeezes the targets towards 0.5 first: `y * (1 - label_smoothing) + 0.5 * label_smoothing`.
    """
    loss = "binary_focal_crossentropy"
    _check_arguments(loss, gamma, label_smoothing)
    if apply_class_balancing and not 0 <= alpha <= 1:
        raise ConfigError(f"{loss}: `alpha` (the weight of class 1; class 0 gets 1 - alpha) must be in [0, 1]. "
                          f"Received: alpha={alpha!r}")
    y_pred = as_float(y_pred)
    y_true = like(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_same_shape(loss, y_true, y_pred)
    probabilities = ops.sigmoid(y_pred) if from_logits else y_pred
    bce = ops.binary_crossentropy(y_true, probabilities, from_logits=False)
    # 1 - p_t, written as a sum of non-negative products so that rounding never makes it negative (a negative
    # base to a fractional gamma would give NaN)
    miss = y_true * (1.0 - probabilities) + (1.0 - y_true) * probabilities
    focal_bce = ops.power(miss, float(gamma)) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal_bce
    return ops.mean(focal_bce, axis=axis)


def _class_weights(loss, alpha, y_pred, axis):
    """`alpha` as a float scalar, or a per-class array shaped to broadcast along the class axis."""
    if isinstance(alpha, numbers.Real) and not isinstance(alpha, bool):
        return float(alpha)
    weights = ops.convert_to_tensor(alpha, dtype=y_pred.dtype)
    classes = y_pred.shape[axis]
    if weights.ndim != 1 or weights.shape[0] != classes:
        raise ShapeError(f"{loss}: `alpha` must be a number or one weight per class ({classes} here). "
                         f"Received: alpha={alpha!r}")
    return weights.reshape((classes,) + (1,) * (y_pred.ndim - 1 - axis % y_pred.ndim))


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    """`sum(alpha * (1 - p) ** gamma * -y_true * log(p), axis)` for one-hot (or soft) targets.

    `p` is `softmax(y_pred)` when `from_logits`, else `y_pred` renormalised to sum to 1, clipped to
    `[epsilon, 1 - epsilon]`. `alpha` is a number or a list of one weight per class. Label smoothing:
    `y * (1 - label_smoothing) + label_smoothing / k` for `k` classes.
    """
    loss = "categorical_focal_crossentropy"
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ConfigError(f"{loss}: `axis` must be an int. Received: axis={axis!r}")
    _check_arguments(loss, gamma, label_smoothing)
    y_pred = as_float(y_pred)
    y_true = like(y_true, y_pred)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        hint = ""
        if tuple(y_true.shape) in (tuple(y_pred.shape[:-1]), (*y_pred.shape[:-1], 1)):
            hint = " y_true looks like integer class labels: one-hot encode them."
        check_same_shape(loss, y_true, y_pred, hint)
    if not y_pred.ndim:
        raise ShapeError(f"{loss}: y_pred must have a class axis. Received: y_pred.shape={tuple(y_pred.shape)}")
    if y_pred.shape[axis] == 1:
        warnings.warn(f"{loss}: expected y_pred of shape (batch_size, num_classes) with num_classes > 1. Received: "
                      f"y_pred.shape={tuple(y_pred.shape)}. Use binary_focal_crossentropy for two classes.",
                      SyntaxWarning, stacklevel=2)
    weights = _class_weights(loss, alpha, y_pred, axis)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    probabilities = ops.softmax(y_pred, axis=axis) if from_logits else y_pred
    eps = config.epsilon()
    output = ops.clip(probabilities / ops.sum(probabilities, axis=axis, keepdims=True), eps, 1.0 - eps)
    cross_entropy = -y_true * ops.log(output)
    return ops.sum(weights * ops.power(1.0 - output, float(gamma)) * cross_entropy, axis=axis)
