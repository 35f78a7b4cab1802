"""Hypothesis strategies for op and layer tests: shapes, broadcasting pairs, and values away from kinks.

Gradient checks use float64 values in a moderate range; ops with kinks (relu at 0, abs at 0, clip at its
bounds) draw values at least `margin` away from them, where a finite difference would straddle the kink.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def shapes(min_dims=0, max_dims=3, min_side=1, max_side=4):
    """Array shapes, small enough for an elementwise finite-difference check."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(count=2, min_dims=0, max_dims=3, max_side=4):
    """`count` shapes that broadcast together, e.g. ((3, 1), (4,))."""
    return hnp.mutually_broadcastable_shapes(num_shapes=count, min_dims=min_dims, max_dims=max_dims,
                                             max_side=max_side).map(lambda b: b.input_shapes)


def values(low=-3.0, high=3.0, away_from=(), margin=0.05):
    """Floats in [low, high], at least `margin` from each point of `away_from`."""
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)
    if away_from:
        elements = elements.filter(lambda v: all(abs(v - k) > margin for k in away_from))
    return elements


def arrays(shape, low=-3.0, high=3.0, away_from=(), margin=0.05, dtype="float64", unique=False, gap=1e-3):
    """float64 arrays of `shape` (a shape or a strategy of shapes). With `unique`, any two elements differ by
    more than `gap`, so that ties (max, sort) never sit within a finite-difference step."""
    drawn = hnp.arrays(np.dtype(dtype), shape, elements=values(low, high, away_from, margin), unique=unique)
    if unique:
        drawn = drawn.filter(lambda x: x.size < 2 or np.diff(np.sort(x, axis=None)).min() > gap)
    return drawn


def unary(low=-3.0, high=3.0, away_from=(), shape=None, **kwargs):
    """Calls `(x,), {}` for one-input ops; `kwargs` are fixed keyword arguments."""
    shape = shapes() if shape is None else shape
    return arrays(shape, low, high, away_from).map(lambda x: ((x,), dict(kwargs)))


def binary(low=-3.0, high=3.0, away_from=(), low2=None, high2=None):
    """Calls `(x, y), {}` with broadcasting shapes, for two-input elementwise ops."""
    low2 = low if low2 is None else low2
    high2 = high if high2 is None else high2

    @st.composite
    def call(draw):
        shape_x, shape_y = draw(broadcastable_shapes())
        x = draw(arrays(shape_x, low, high, away_from))
        y = draw(arrays(shape_y, low2, high2, away_from))
        return (x, y), {}

    return call()


def distinct_pair(shape=None, gap=0.05):
    """Calls `(x, y), {}` of one shape whose elements never tie (for maximum, minimum)."""

    @st.composite
    def call(draw):
        s = draw(shapes() if shape is None else st.just(shape))
        x = draw(arrays(s))
        y = draw(arrays(s).filter(lambda y: np.all(np.abs(x - y) > gap)))
        return (x, y), {}

    return call()


def reduction(low=-3.0, high=3.0, unique=False, min_dims=0, **fixed):
    """Calls `(x,), {"axis": ..., "keepdims": ...}` over every kind of axis argument."""

    @st.composite
    def call(draw):
        shape = draw(shapes(min_dims=min_dims))
        x = draw(arrays(shape, low, high, unique=unique))
        axis = draw(axes(len(shape)))
        return (x,), {"axis": axis, "keepdims": draw(st.booleans()), **fixed}

    return call()


def axes(ndim, allow_none=True, single=False):
    """An axis argument valid for rank `ndim`: None, an int (maybe negative), or a tuple of distinct ints."""
    options = [st.none()] if allow_none else []
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
        if not single:
            options.append(st.lists(st.integers(0, ndim - 1), unique=True, min_size=1).map(tuple))
    return st.one_of(options) if options else st.none()


def axis(ndim):
    """A single axis (possibly negative) for rank `ndim` >= 1."""
    return st.integers(-ndim, ndim - 1)
