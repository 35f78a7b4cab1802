"""What every metric does before comparing: arrays of the active backend, `y_true` and `y_pred` brought to the
same rank, and `sample_weight` brought to the shape of the values it weighs (Keras 3's rules)."""

from kcore import backend, config, ops
from kcore.errors import ShapeError


def as_array(x, float_dtype=None):
    """`x` as a backend array (a Tensor gives its value); with `float_dtype`, non-float arrays are cast to it."""
    x = ops.convert_to_tensor(x)
    if float_dtype is not None and x.dtype.kind != "f":
        x = x.astype(float_dtype)
    return x


def same_rank(a, b):
    """`a` and `b` with equal rank where they differ by a trailing axis of size 1: the rank-1 one gains that axis,
    otherwise the other one loses it (labels (n, 1) against predictions (n,), and the like)."""
    if a.ndim == b.ndim + 1 and a.shape[-1] == 1:
        return (a, b[..., None]) if b.ndim == 1 else (a[..., 0], b)
    if b.ndim == a.ndim + 1 and b.shape[-1] == 1:
        return (a[..., None], b) if a.ndim == 1 else (a, b[..., 0])
    return a, b


def weights_like(sample_weight, shape, dtype=None, owner="metric"):
    """`sample_weight` broadcast to `shape`: a scalar weighs everything, a per-sample vector weighs every value
    of its sample, and a trailing axis of size 1 is dropped when the values do not have it."""
    xp = backend.get().xp
    weights = as_array(sample_weight).astype(dtype or config.floatx(), copy=False)
    received = tuple(weights.shape)
    if weights.ndim == len(shape) + 1 and weights.shape[-1] == 1:
        weights = weights[..., 0]
    if 0 < weights.ndim < len(shape):
        weights = weights.reshape(weights.shape + (1,) * (len(shape) - weights.ndim))
    try:
        return xp.broadcast_to(weights, shape)
    except ValueError:
        raise ShapeError(f"{owner}: sample_weight of shape {received} does not fit values of shape "
                         f"{tuple(shape)}. Pass one weight per sample (shape ({shape[0] if shape else 1},)) or "
                         f"one per value.") from None


def divide_no_nan(numerator, denominator):
    """`numerator / denominator`, and 0 where the denominator is 0."""
    xp = backend.get().xp
    zero = denominator == 0
    return xp.where(zero, 0, numerator / xp.where(zero, 1, denominator))
