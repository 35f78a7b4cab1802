"""Reshaping, reordering, joining and splitting arrays (Keras names and arguments).

Most of these return views where NumPy does, and their gradients are views or reshapes of the incoming one.
`concatenate` and `stack` take a list of arrays, as in Keras; `split` and `unstack` return a list, each item a
differentiable `get_item` slice.
"""

import inspect
import operator

from kcore.autodiff import Node
from kcore.errors import ConfigError, GradientError, OpIndexError, ShapeError
from kcore.ops.indexing import get_item
from kcore.ops.op import Op, normalize_axis, op, unbroadcast

_ALL = slice(None)


def _ints(values):
    """An int, or a sequence or array of ints, as a tuple of Python ints."""
    if isinstance(values, int) or getattr(values, "ndim", 1) == 0:
        return (int(values),)
    return tuple(int(v) for v in values)


def _along(axis, index):
    """The indexing key that applies `index` along `axis` (non-negative) and keeps every other axis."""
    return (_ALL,) * axis + (index,)


class _SequenceOp(Op):
    """An op over a list of arrays. Called as Keras calls it, `concatenate([x, y], axis=0)`, it spreads the list;
    its implementation, declared with `inputs=None`, takes the arrays spread, `fn(xp, *arrays, axis=0)`, and so
    does a call that passes arrays (not a list) first, as `concatenate(x, y, axis=0)`."""

    def __init__(self, fn):
        super().__init__(fn, None, True, fn.__name__)
        self.static = tuple(p.name for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY)

    def __call__(self, *args, **params):
        if args and type(args[0]) in (list, tuple):
            extra = args[1:]
            if len(extra) > len(self.static):
                raise ConfigError(f"ops.{self.name} takes the list of arrays and at most {len(self.static)} more "
                                  f"positional arguments {self.static}; received {len(extra)}.")
            for key, value in zip(self.static, extra, strict=False):
                if key in params:
                    raise ConfigError(f"ops.{self.name} got two values for the argument {key!r}.")
                params[key] = value
            args = tuple(args[0])
        return super().__call__(*args, **params)


def _sequence_op(fn):
    return _SequenceOp(fn)


# -- reshaping ----------------------------------------------------------------------------------------------


@op
def reshape(xp, x, newshape):
    return xp.reshape(x, newshape), (lambda g: g.reshape(x.shape),)


@op
def ravel(xp, x):
    return xp.ravel(x), (lambda g: g.reshape(x.shape),)


@op
def expand_dims(xp, x, axis):
    return xp.expand_dims(x, axis), (lambda g: g.reshape(x.shape),)


@op
def squeeze(xp, x, axis=None):
    return xp.squeeze(x, axis=axis), (lambda g: g.reshape(x.shape),)


@op
def broadcast_to(xp, x, shape):
    return xp.broadcast_to(x, shape), (lambda g: unbroadcast(g, x),)


# -- reordering ---------------------------------------------------------------------------------------------


@op
def transpose(xp, x, axes=None):
    out = xp.transpose(x, axes)
    if axes is None:
        return out, (lambda g: xp.transpose(g),)
    order = normalize_axis(axes, x.ndim)
    inverse = sorted(range(len(order)), key=order.__getitem__)
    return out, (lambda g: xp.transpose(g, inverse),)


@op
def swapaxes(xp, x, axis1, axis2):
    return xp.swapaxes(x, axis1, axis2), (lambda g: xp.swapaxes(g, axis1, axis2),)


@op
def moveaxis(xp, x, source, destination):
    return xp.moveaxis(x, source, destination), (lambda g: xp.moveaxis(g, destination, source),)


@op
def flip(xp, x, axis=None):
    return xp.flip(x, axis=axis), (lambda g: xp.flip(g, axis=axis),)


# -- repeating ----------------------------------------------------------------------------------------------


@op
def tile(xp, x, repeats):
    out = xp.tile(x, repeats)

    def vjp(g):  # each output axis of length r * n is r copies of the n: sum over the copies
        reps = _ints(repeats)
        rank = max(len(reps), x.ndim)
        reps = (1,) * (rank - len(reps)) + reps
        sides = (1,) * (rank - x.ndim) + tuple(x.shape)
        split = tuple(n for pair in zip(reps, sides, strict=True) for n in pair)
        return g.reshape(split).sum(axis=tuple(range(0, 2 * rank, 2))).reshape(x.shape)

    return out, (vjp,)


@op
def repeat(xp, x, repeats, axis=None):
    out = xp.repeat(x, repeats, axis=axis)
    source = x.reshape(-1) if axis is None else x
    along = 0 if axis is None else normalize_axis(axis, x.ndim)[0]

    def vjp(g):
        if isinstance(repeats, int) or getattr(repeats, "ndim", 1) == 0:  # each element's copies are adjacent
            n = source.shape[along]
            grad = g.reshape((*source.shape[:along], n, int(repeats), *source.shape[along + 1:])).sum(along + 1)
        else:
            grad = xp.zeros_like(source)
            xp.add.at(grad, _along(along, xp.repeat(xp.arange(source.shape[along]), repeats)), g)
        return grad.reshape(x.shape)

    return out, (vjp,)


# -- joining ------------------------------------------------------------------------------------------------


@_sequence_op
def concatenate(xp, *xs, axis=0):
    """Join a list of arrays along `axis` (None: flatten them first), as `concatenate([x, y], axis=0)`."""
    out = xp.concatenate(xs, axis=axis)
    along = 0 if axis is None else normalize_axis(axis, out.ndim)[0]
    sizes = [x.size if axis is None else x.shape[along] for x in xs]
    ends = [sum(sizes[: i + 1]) for i in range(len(sizes))]

    def vjp(lo, hi, shape):  # the input's part of the gradient, a view (reshaped back if axis is None)
        return lambda g: g[_along(along, slice(lo, hi))].reshape(shape)

    return out, tuple(vjp(end - n, end, x.shape) for x, n, end in zip(xs, sizes, ends, strict=True))


@_sequence_op
def stack(xp, *x, axis=0):
    """Join a list of arrays of one shape along a new axis `axis`, as `stack([x, y], axis=0)`."""
    out = xp.stack(x, axis=axis)
    along = normalize_axis(axis, out.ndim)[0]
    return out, tuple((lambda g, i=i: g[_along(along, i)]) for i in range(len(x)))


# -- splitting: plain functions returning lists of differentiable slices ------------------------------------


def _axis_of(name, x, axis):
    ndim = len(x.shape)
    try:
        along = operator.index(axis)
    except TypeError:
        along = None
    if along is None or not -ndim <= along < ndim:
        raise OpIndexError(f"ops.{name}: axis {axis!r} is not an axis of an input of shape {tuple(x.shape)} "
                           f"(valid: an int from {-ndim} to {ndim - 1}).")
    return along % ndim


def _length(name, x, axis, along):
    if x.shape[along] is None:
        raise ShapeError(f"ops.{name}: axis {axis} of the input of shape {tuple(x.shape)} has an unknown length; "
                         f"{name} needs it known.")
    return x.shape[along]


def _array(x):
    if isinstance(x, Node) or hasattr(x, "shape"):
        return x
    from kcore.ops.core import convert_to_tensor

    return convert_to_tensor(x)


def split(x, indices_or_sections, axis=0):
    """Split `x` along `axis` into equal sections (an int that must divide the axis) or at the given indices,
    as NumPy does; returns a list of arrays (Tensors under a tape, each with its gradient)."""
    x = _array(x)
    along = _axis_of("split", x, axis)
    if isinstance(indices_or_sections, int) or getattr(indices_or_sections, "ndim", 1) == 0:
        n, sections = _length("split", x, axis, along), int(indices_or_sections)
        if sections <= 0 or n % sections:
            raise ShapeError(f"ops.split cannot cut axis {axis} (length {n}) of an input of shape "
                             f"{tuple(x.shape)} into {sections} equal sections. Pass a number of sections "
                             f"that divides {n}, or a list of split indices.")
        cuts = [n // sections * i for i in range(1, sections)]
    else:
        cuts = list(_ints(indices_or_sections))
    bounds = zip([0, *cuts], [*cuts, None], strict=True)
    return [get_item(x, _along(along, slice(lo, hi))) for lo, hi in bounds]


def unstack(x, num=None, axis=0):
    """The slices of `x` along `axis`, as a list of arrays one rank lower; `num`, if given, must equal the
    length of that axis."""
    x = _array(x)
    along = _axis_of("unstack", x, axis)
    n = _length("unstack", x, axis, along)
    if num is not None and num != n:
        raise ShapeError(f"ops.unstack: num={num} does not match axis {axis} of an input of shape "
                         f"{tuple(x.shape)}, whose length is {n}.")
    return [get_item(x, _along(along, i)) for i in range(n)]


# -- padding ------------------------------------------------------------------------------------------------

_COPY_MODES = ("edge", "reflect", "symmetric", "wrap")  # every padded value is a copy of an input value
_PAD_MODES = ("constant", *_COPY_MODES, "linear_ramp", "maximum", "mean", "median", "minimum", "empty")


def _pad_pairs(pad_width, ndim):
    """`pad_width` read as NumPy reads it (an int, a pair, or one pair per axis): one (before, after) per axis."""
    if isinstance(pad_width, int) or getattr(pad_width, "ndim", 1) == 0:
        rows = [[int(pad_width)]]
    else:
        items = list(pad_width)
        nested = any(isinstance(r, (list, tuple)) or getattr(r, "ndim", 0) > 0 for r in items)
        rows = [list(_ints(r)) for r in items] if nested else [list(_ints(items))]
    if len(rows) == 1:
        rows = rows * ndim
    return [(r[0], r[-1]) for r in rows]


@op
def pad(xp, x, pad_width, mode="constant", constant_values=None):
    """Pad `x` by `pad_width` (an int, a (before, after) pair, or one pair per axis). Gradients flow for the
    modes "constant", "edge", "reflect", "symmetric" and "wrap"; the others pad, but cannot be differentiated."""
    if mode not in _PAD_MODES:
        raise ConfigError(f"ops.pad: unknown mode {mode!r}; expected one of {_PAD_MODES}.")
    if mode == "constant":
        out = xp.pad(x, pad_width, mode="constant", constant_values=0 if constant_values is None else constant_values)
    elif constant_values is not None:
        raise ConfigError(f"ops.pad: `constant_values` can only be given with mode='constant'; received "
                          f"mode={mode!r} and constant_values={constant_values!r}.")
    else:
        out = xp.pad(x, pad_width, mode=mode)
    pairs = _pad_pairs(pad_width, x.ndim)

    def vjp(g):
        if mode == "constant":
            return g[tuple(slice(before, before + n) for (before, _), n in zip(pairs, x.shape, strict=True))]
        if mode not in _COPY_MODES:
            raise GradientError(f"ops.pad: no gradient for mode={mode!r} (input of shape {tuple(x.shape)}); "
                                f"differentiable modes are 'constant', {', '.join(map(repr, _COPY_MODES))}.")
        for along, ((before, after), n) in enumerate(zip(pairs, x.shape, strict=True)):
            if not before and not after:
                continue
            # where each position along this axis was copied from, and the copies added back to their source
            source = xp.pad(xp.arange(n), (before, after), mode=mode)
            grad = g[_along(along, slice(before, before + n))].copy()
            edges = xp.concatenate([source[:before], source[before + n:]])
            copies = xp.concatenate([g[_along(along, slice(0, before))], g[_along(along, slice(before + n, None))]],
                                    axis=along)
            xp.add.at(grad, _along(along, edges), copies)
            g = grad
        return g

    return out, (vjp,)
