"""Test cases for kcore/ops/manipulation.py."""

import math

import numpy as np
from hypothesis import strategies as st

from kcore.testing import OpCase
from kcore.testing import strategies as s


def _maybe_negative(draw, axes, ndim):
    """Each of `axes` (non-negative) possibly written as its negative equivalent."""
    return tuple(a - ndim if draw(st.booleans()) else a for a in axes)


@st.composite
def _reshape(draw):
    shape = draw(s.shapes())
    x = draw(s.arrays(shape))
    size = math.prod(shape)
    targets = [(-1,), (size,), shape[::-1], (1, *shape), (*shape, 1), (size, 1)]
    if shape:
        targets.append((-1, *shape[1:]))
        targets.append((*shape[:-1], -1))
    return (x, draw(st.sampled_from(targets))), {}


@st.composite
def _transpose(draw):
    shape = draw(s.shapes())
    x = draw(s.arrays(shape))
    if draw(st.booleans()):
        return (x,), {}
    order = draw(st.permutations(range(len(shape))))
    return (x,), {"axes": _maybe_negative(draw, order, len(shape))}


@st.composite
def _expand_dims(draw):
    shape = draw(s.shapes())
    x = draw(s.arrays(shape))
    if draw(st.booleans()):
        return (x,), {"axis": draw(st.integers(-len(shape) - 1, len(shape)))}
    count = draw(st.integers(1, 2))
    rank = len(shape) + count
    axes = draw(st.lists(st.integers(0, rank - 1), min_size=count, max_size=count, unique=True))
    return (x,), {"axis": _maybe_negative(draw, axes, rank)}


@st.composite
def _squeeze(draw):
    shape = draw(s.shapes(max_side=2))
    x = draw(s.arrays(shape))
    ones = [i for i, n in enumerate(shape) if n == 1]
    if not ones or draw(st.booleans()):
        return (x,), {"axis": None}
    axes = draw(st.lists(st.sampled_from(ones), min_size=1, unique=True))
    axes = _maybe_negative(draw, axes, len(shape))
    return (x,), {"axis": axes[0] if len(axes) == 1 and draw(st.booleans()) else axes}


@st.composite
def _broadcast_to(draw):
    target = draw(s.shapes())
    kept = draw(st.integers(0, len(target)))
    shape = tuple(1 if draw(st.booleans()) else n for n in target[len(target) - kept:])
    return (draw(s.arrays(shape)), target), {}


@st.composite
def _tile(draw):
    shape = draw(s.shapes(max_side=3))
    x = draw(s.arrays(shape))
    if draw(st.booleans()):
        return (x, draw(st.integers(0, 3))), {}
    repeats = draw(st.lists(st.integers(0, 3), max_size=len(shape) + 1))
    return (x, tuple(repeats)), {}


@st.composite
def _repeat(draw):
    shape = draw(s.shapes(max_side=3))
    x = draw(s.arrays(shape))
    axis = draw(st.one_of(st.none(), s.axis(len(shape)))) if shape else None
    length = x.size if axis is None else shape[axis]
    repeats = draw(st.one_of(st.integers(0, 3), st.lists(st.integers(0, 3), min_size=length, max_size=length)))
    return (x, repeats), {"axis": axis}


@st.composite
def _concatenate(draw):
    shape = list(draw(s.shapes(min_dims=1)))
    axis = draw(st.one_of(s.axis(len(shape)), st.none()))
    along = 0 if axis is None else axis % len(shape)
    xs = []
    for _ in range(draw(st.integers(1, 3))):
        shape[along] = draw(st.integers(0, 3))
        xs.append(draw(s.arrays(tuple(shape))))
    return tuple(xs), {"axis": axis}


@st.composite
def _stack(draw):
    shape = draw(s.shapes())
    xs = draw(st.lists(s.arrays(shape), min_size=1, max_size=3))
    return tuple(xs), {"axis": draw(st.integers(-len(shape) - 1, len(shape)))}


@st.composite
def _swapaxes(draw):
    shape = draw(s.shapes(min_dims=1))
    return (draw(s.arrays(shape)), draw(s.axis(len(shape))), draw(s.axis(len(shape)))), {}


@st.composite
def _moveaxis(draw):
    shape = draw(s.shapes(min_dims=1))
    ndim = len(shape)
    x = draw(s.arrays(shape))
    if draw(st.booleans()):
        return (x, draw(s.axis(ndim)), draw(s.axis(ndim))), {}
    count = draw(st.integers(1, ndim))
    source = draw(st.lists(st.integers(0, ndim - 1), min_size=count, max_size=count, unique=True))
    destination = draw(st.lists(st.integers(0, ndim - 1), min_size=count, max_size=count, unique=True))
    return (x, _maybe_negative(draw, source, ndim), _maybe_negative(draw, destination, ndim)), {}


@st.composite
def _flip(draw):
    shape = draw(s.shapes())
    return (draw(s.arrays(shape)),), {"axis": draw(s.axes(len(shape)))}


@st.composite
def _pad(draw):
    shape = draw(s.shapes(min_dims=1))
    x = draw(s.arrays(shape))
    mode = draw(st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap"]))
    width = st.integers(0, 3)
    pad_width = draw(st.one_of(
        width,
        st.tuples(width, width),
        st.tuples(st.tuples(width, width)),
        st.tuples(*[st.tuples(width, width) for _ in shape]),
    ))
    kwargs = {"mode": mode}
    if mode == "constant" and draw(st.booleans()):
        kwargs["constant_values"] = draw(st.floats(-2, 2))
    return (x, pad_width), kwargs


def _pad_reference(x, pad_width, mode="constant", constant_values=None):
    if mode == "constant":
        return np.pad(x, pad_width, mode="constant", constant_values=constant_values or 0)
    return np.pad(x, pad_width, mode=mode)


CASES = [
    OpCase("reshape", _reshape(), np.reshape),
    OpCase("transpose", _transpose(), np.transpose),
    OpCase("expand_dims", _expand_dims(), np.expand_dims),
    OpCase("squeeze", _squeeze(), np.squeeze),
    OpCase("ravel", s.unary(), np.ravel),
    OpCase("broadcast_to", _broadcast_to(), np.broadcast_to),
    OpCase("tile", _tile(), np.tile),
    OpCase("repeat", _repeat(), np.repeat),
    OpCase("concatenate", _concatenate(), lambda *xs, axis=0: np.concatenate(xs, axis=axis)),
    OpCase("stack", _stack(), lambda *xs, axis=0: np.stack(xs, axis=axis)),
    OpCase("swapaxes", _swapaxes(), np.swapaxes),
    OpCase("moveaxis", _moveaxis(), np.moveaxis),
    OpCase("flip", _flip(), np.flip),
    OpCase("pad", _pad(), _pad_reference),
]
