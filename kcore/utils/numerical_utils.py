"""`to_categorical` and `normalize`, as `keras.utils` has them."""

import numpy as np

from kcore import config
from kcore.errors import ConfigError, OpIndexError


def to_categorical(x, num_classes=None):
    """Class indices (any shape) as one-hot rows: shape `x.shape + (num_classes,)`, a trailing axis of size 1
    replaced. float32 (`floatx`); Keras returns float64 here, which kcore avoids.

    Example:
        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    labels = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    if labels.dtype.kind == "f" and not np.all(labels == np.round(labels)):
        raise ConfigError(f"to_categorical: `x` must hold class indices (whole numbers); received {labels.dtype} "
                          f"values such as {labels[labels != np.round(labels)][:3].tolist()}.")
    labels = labels.astype("int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = labels.reshape(-1)
    if num_classes is None:
        num_classes = int(flat.max()) + 1 if flat.size else 0
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 0:
        raise ConfigError(f"to_categorical: `num_classes` must be a non-negative int. Received: {num_classes!r}")
    bad = (flat < 0) | (flat >= num_classes)
    if bad.any():
        raise OpIndexError(f"to_categorical: class indices must lie in [0, {num_classes}); received "
                           f"{flat[bad][:5].tolist()}. Pass num_classes= large enough, or fix the labels.")
    categorical = np.zeros((flat.size, int(num_classes)), dtype=config.floatx())
    categorical[np.arange(flat.size), flat] = 1
    return categorical.reshape(*shape, int(num_classes))


def normalize(x, axis=-1, order=2):
    """`x` divided by its `order`-norm along `axis` (a zero norm leaves the values as they are). A NumPy array
    gives a NumPy array (ints become `floatx`); a backend tensor goes through `kcore.ops` (differentiable).

    Example:
        >>> normalize(np.array([[3.0, 4.0]], "float32"))
        array([[0.6, 0.8]], dtype=float32)
    """
    if isinstance(x, (np.ndarray, list, tuple)):
        x = np.asarray(x)
        if x.dtype.kind != "f":
            x = x.astype(config.floatx())
        norm = np.atleast_1d(np.linalg.norm(x, order, axis, keepdims=True))
        return x / np.where(norm == 0, np.ones((), norm.dtype), norm)
    from kcore import ops

    norm = ops.norm(x, ord=order, axis=axis, keepdims=True)
    return ops.divide(x, ops.where(ops.equal(norm, 0), ops.ones_like(norm), norm))
