"""Bringing `y_true` and `y_pred` into the form every loss computes with, written once.

`y_pred` keeps its float dtype (integers become `floatx`); `y_true` is converted to it, never the other way, so
float32 predictions give a float32 loss whatever the labels' dtype. Ranks that differ by a trailing axis of size
1 are reconciled as Keras does; any other shape mismatch is an error naming the loss and both shapes, where
broadcasting would silently compute the wrong thing (`(32,)` labels against `(32, 10)` predictions).
"""

from kcore import backend, config, ops
from kcore.autodiff import Node
from kcore.errors import ShapeError


def as_float(x):
    """`x` as an array (or the recorded Tensor it is), in floatx unless it is already a float array."""
    if not isinstance(x, Node):
        x = ops.convert_to_tensor(x)
    return x if x.dtype.kind == "f" else ops.cast(x, config.floatx())


def like(y_true, y_pred):
    """`y_true` in `y_pred`'s dtype (a Tensor stays differentiable through the cast)."""
    if isinstance(y_true, Node):
        return y_true if y_true.dtype == y_pred.dtype else ops.cast(y_true, y_pred.dtype)
    return ops.convert_to_tensor(y_true, dtype=y_pred.dtype)


def plain(x):
    """The backend array of `x`: labels and masks, through which no gradient ever flows."""
    return x.value if isinstance(x, Node) else ops.convert_to_tensor(x)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's reconciliation of ranks that differ by one trailing axis of size 1: `(n,)` against `(n, 1)`
    becomes `(n, 1)` and `(n, 1)`; `(n, k)` against `(n, k, 1)` drops the trailing 1."""
    rank1, rank2 = len(x1.shape), len(x2.shape)
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def check_same_shape(loss, y_true, y_pred, hint=""):
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ShapeError(f"{loss}: y_true and y_pred must have the same shape (or differ only by a trailing axis "
                         f"of size 1). Received: y_true.shape={tuple(y_true.shape)}, "
                         f"y_pred.shape={tuple(y_pred.shape)}.{hint or ' Check the model output against the targets.'}")


def prepare(loss, y_true, y_pred):
    """`(y_true, y_pred)` for a float loss named `loss`: same dtype (y_pred's) and the same shape."""
    y_pred = as_float(y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(like(y_true, y_pred), y_pred)
    check_same_shape(loss, y_true, y_pred)
    return y_true, y_pred


def xp():
    return backend.get().xp
