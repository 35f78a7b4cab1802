"""Indexing, gathering, sorting and triangles (Keras names and arguments).

Gathers differentiate by scattering the gradient back: a plain assignment where no position can be read twice
(basic indexing, boolean masks, permutations), a scatter-add (`xp.add.at`) where integer arrays may repeat one.
"""

import builtins

from kcore import config
from kcore.autodiff import Node, SliceCotangent
from kcore.errors import ShapeError
from kcore.ops.op import normalize_axis, op, unbroadcast

_ALL = builtins.slice(None)


def _along(axis, index):
    """The indexing key that applies `index` along `axis` (non-negative) and keeps every other axis."""
    return (_ALL,) * axis + (index,)


def _key_part(xp, part):
    """One component of an indexing key as the backend takes it, and whether it is an integer array (whose
    entries may repeat, so that its gradient must add up rather than assign)."""
    if isinstance(part, Node):
        part = part.value
    if type(part) in (list, tuple):
        part = xp.asarray(part)
        if part.size == 0:
            part = part.astype("intp")
    elif getattr(part, "ndim", 0) > 0 and not isinstance(part, xp.ndarray):
        part = xp.asarray(part)
    gathers = getattr(part, "ndim", 0) > 0 and part.dtype.kind in "iu"
    return part, gathers


def _scatter(xp, like, key, g, repeats):
    """Zeros shaped like `like` with `g` written (added, where `repeats`) at `key`."""
    grad = xp.zeros_like(like)
    if repeats:
        xp.add.at(grad, key, g)
    else:
        grad[key] = g
    return grad


def _scatter_rows(xp, like, indices, g):
    """Zeros shaped like `like` with the rows of `g` added at `indices` along axis 0 (an embedding's gradient).
    The same sums in the same order as `xp.add.at(grad, (indices,), g)`, made several times faster on NumPy by
    adding elements into the flat target (add.at's fast path) rather than rows."""
    rows = like.shape[0]
    width = like.size // rows if rows else 0
    indices = indices.reshape(-1, 1).astype("intp")
    indices = xp.where(indices < 0, indices + rows, indices)  # take wraps negative indices
    flat = (indices * width + xp.arange(width)).reshape(-1)
    grad = xp.zeros(like.size, dtype=like.dtype)
    xp.add.at(grad, flat, g.reshape(-1))
    return grad.reshape(like.shape)


@op
def get_item(xp, x, key):
    """`x[key]` with NumPy's basic and advanced indexing: ints, slices, None, Ellipsis, integer arrays and
    boolean masks. Basic indexing returns a view."""
    if isinstance(key, tuple):
        parts = [_key_part(xp, part) for part in key]
        key = tuple(part for part, _ in parts)
        repeats = any(gathers for _, gathers in parts)
    else:
        key, repeats = _key_part(xp, key)
    if repeats:
        return x[key], (lambda g: _scatter(xp, x, key, g, repeats),)
    return x[key], (lambda g: SliceCotangent(x, key, g),)


@op(inputs=2)
def take(xp, x, indices, axis=None):
    """The elements of `x` at `indices` along `axis` (None: of the flattened `x`)."""
    out = xp.take(x, indices, axis=axis)

    def vjp(g):
        repeats = getattr(indices, "ndim", 0) > 0
        if axis is None:
            return _scatter(xp, x.reshape(-1), indices, g, repeats).reshape(x.shape)
        along = normalize_axis(axis, x.ndim)[0]
        if along == 0 and repeats:
            return _scatter_rows(xp, x, indices, g)
        return _scatter(xp, x, _along(along, indices), g, repeats)

    return out, (vjp, None)


def _along_axis_key(xp, indices, axis, shape):
    """The advanced-indexing key that reads `x[..., indices[...], ...]` along `axis` of an `x` of `shape`, as
    take_along_axis does: every other axis indexed by an `arange` that broadcasts against `indices`."""
    key = [indices] * len(shape)
    for d, n in enumerate(shape):
        if d != axis:
            key[d] = xp.arange(n).reshape((-1,) + (1,) * (len(shape) - d - 1))
    return tuple(key)


@op(inputs=2)
def take_along_axis(xp, x, indices, axis=None):
    """`x` gathered at `indices` along `axis` (None: of the flattened `x`); `x` and `indices` have one rank and
    broadcast on the other axes."""
    out = xp.take_along_axis(x, indices, axis=axis)

    def vjp(g):
        if axis is None:
            return _scatter(xp, x.reshape(-1), indices, g, True).reshape(x.shape)
        return _scatter(xp, x, _along_axis_key(xp, indices, normalize_axis(axis, x.ndim)[0], x.shape), g, True)

    return out, (vjp, None)


@op(differentiable=False)
def one_hot(xp, x, num_classes, axis=-1, dtype=None):
    """Integer labels `x` as one-hot vectors of length `num_classes` on a new axis `axis` (default last), in
    `dtype` (default floatx). Labels outside [0, num_classes) give all zeros."""
    x = xp.asarray(x)
    if x.dtype.kind not in "iub":
        x = x.astype("int64")
    if not -(x.ndim + 1) <= axis <= x.ndim:
        raise ShapeError(f"ops.one_hot: axis {axis} is out of range for labels of shape {tuple(x.shape)} "
                         f"(valid: {-(x.ndim + 1)} to {x.ndim}).")
    along = normalize_axis(axis, x.ndim + 1)[0]
    classes = xp.arange(num_classes).reshape((-1,) + (1,) * (x.ndim - along))
    return (xp.expand_dims(x, along) == classes).astype(config.floatx() if dtype is None else dtype)


@op
def slice(xp, inputs, start_indices, shape):
    """The block of `inputs` that starts at `start_indices` and has shape `shape` (a -1 in `shape` runs to the
    end of the axis). Returns a view."""
    starts = [int(s) for s in start_indices]
    sizes = [int(n) for n in shape]
    dims = tuple(inputs.shape)
    if len(starts) != len(dims) or len(sizes) != len(dims):
        raise ShapeError(f"ops.slice: an input of shape {dims} needs one start index and one size per axis; "
                         f"received start_indices={tuple(starts)} and shape={tuple(sizes)}.")
    sizes = [n if n != -1 else dim - s for s, n, dim in zip(starts, sizes, dims, strict=True)]
    if any(s < 0 or n < 0 or s + n > dim for s, n, dim in zip(starts, sizes, dims, strict=True)):
        raise ShapeError(f"ops.slice: a block of shape {tuple(sizes)} at {tuple(starts)} does not fit in an input "
                         f"of shape {dims}.")
    key = tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes, strict=True))
    return inputs[key], (lambda g: _scatter(xp, inputs, key, g, False),)


@op
def sort(xp, x, axis=-1):
    """`x` sorted along `axis` (None: flattened); the gradient goes back to where each value came from."""
    out = xp.sort(x, axis=axis)

    def vjp(g):
        if axis is None:
            return _scatter(xp, x.reshape(-1), xp.argsort(x, axis=None), g, False).reshape(x.shape)
        along = normalize_axis(axis, x.ndim)[0]
        return _scatter(xp, x, _along_axis_key(xp, xp.argsort(x, axis=along), along, x.shape), g, False)

    return out, (vjp,)


@op(differentiable=False)
def argsort(xp, x, axis=-1):
    return xp.argsort(x, axis=axis)


def _check_matrix(name, x):
    if x.ndim < 1:
        raise ShapeError(f"ops.{name} needs an input of rank 1 or more (a 1-D input is broadcast to a square "
                         f"matrix); received a scalar of shape {tuple(x.shape)}.")


@op
def tril(xp, x, k=0):
    """`x` with the elements above the `k`-th diagonal of its last two axes zeroed."""
    _check_matrix("tril", x)
    return xp.tril(x, k), (lambda g: unbroadcast(xp.tril(g, k), x),)


@op
def triu(xp, x, k=0):
    """`x` with the elements below the `k`-th diagonal of its last two axes zeroed."""
    _check_matrix("triu", x)
    return xp.triu(x, k), (lambda g: unbroadcast(xp.triu(g, k), x),)
