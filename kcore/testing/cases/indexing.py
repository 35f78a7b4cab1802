"""Test cases for kcore/ops/indexing.py."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kcore.testing import OpCase
from kcore.testing import strategies as s


def _indices(shape, n):
    """int64 index arrays of `shape` (a shape or a strategy of shapes) into an axis of length `n`, negative
    indices included; small axes make repeated indices common."""
    return hnp.arrays(np.int64, shape, elements=st.integers(-n, n - 1))


@st.composite
def _mixed_key(draw, shape):
    """A tuple key mixing ints, slices, None and integer arrays (of one broadcast shape) over leading axes, or
    over trailing axes after an Ellipsis."""
    index_shape = draw(s.shapes(min_dims=0, max_dims=2, max_side=3))
    count = draw(st.integers(1, len(shape)))
    trailing = draw(st.booleans())
    key = []
    for n in shape[len(shape) - count:] if trailing else shape[:count]:
        if draw(st.integers(0, 5)) == 0:
            key.append(None)
        kind = draw(st.sampled_from(["slice", "int", "array"]))
        if kind == "slice":
            key.append(draw(st.slices(n)))
        elif kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        else:
            key.append(draw(_indices(index_shape, n)))
    if trailing:
        return (Ellipsis, *key)
    return (*key, Ellipsis) if draw(st.booleans()) else tuple(key)


@st.composite
def _get_item(draw):
    shape = draw(s.shapes())
    x = draw(s.arrays(shape))
    kind = draw(st.sampled_from(["basic", "arrays", "mixed", "mask", "list"])) if shape else "basic"
    if kind == "basic":
        key = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    elif kind == "arrays":
        key = draw(hnp.integer_array_indices(shape, result_shape=s.shapes(min_dims=0, max_dims=2)))
    elif kind == "mixed":
        key = draw(_mixed_key(shape))
    elif kind == "mask":
        depth = draw(st.integers(1, len(shape)))
        mask = draw(hnp.arrays(np.bool_, shape[:depth]))
        rest = [draw(st.slices(n)) for n in shape[depth:draw(st.integers(depth, len(shape)))]]
        key = (mask, *rest) if rest or draw(st.booleans()) else mask
    else:
        key = draw(st.lists(st.integers(-shape[0], shape[0] - 1), max_size=5))
    return (x, key), {}


@st.composite
def _take(draw):
    shape = draw(s.shapes())
    x = draw(s.arrays(shape))
    axis = draw(st.one_of(st.none(), s.axis(len(shape)))) if shape else None
    n = x.size if axis is None else shape[axis]
    indices = draw(st.one_of(st.integers(-n, n - 1), _indices(s.shapes(min_dims=0, max_dims=2), n)))
    return (x, indices), {"axis": axis}


@st.composite
def _take_along_axis(draw):
    shape = draw(s.shapes(min_dims=1))
    if draw(st.integers(0, 4)) == 0:
        x = draw(s.arrays(shape))
        return (x, draw(_indices(st.tuples(st.integers(0, 5)), x.size))), {"axis": None}
    axis = draw(s.axis(len(shape)))
    along = axis % len(shape)
    x_shape, index_shape = [], []
    for d, n in enumerate(shape):  # other axes: equal, or one side broadcasts (length 1)
        if d == along:
            x_shape.append(n)
            index_shape.append(draw(st.integers(0, 4)))
        else:
            pair = draw(st.sampled_from([(n, n), (1, n), (n, 1)]))
            x_shape.append(pair[0])
            index_shape.append(pair[1])
    x = draw(s.arrays(tuple(x_shape)))
    return (x, draw(_indices(tuple(index_shape), shape[along]))), {"axis": axis}


@st.composite
def _one_hot(draw):
    shape = draw(s.shapes())
    num_classes = draw(st.integers(1, 4))
    x = draw(hnp.arrays(np.int64, shape, elements=st.integers(-1, num_classes)))
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    return (x, num_classes), {"axis": axis, "dtype": draw(st.sampled_from([None, "float32", "int32"]))}


def _one_hot_reference(x, num_classes, axis=-1, dtype=None):
    inside = (x >= 0) & (x < num_classes)
    rows = np.eye(num_classes)[np.where(inside, x, 0)] * inside[..., None]
    return np.moveaxis(rows, -1, axis)


@st.composite
def _slice(draw):
    shape = draw(s.shapes())
    x = draw(s.arrays(shape))
    starts = [draw(st.integers(0, n)) for n in shape]
    sizes = [draw(st.integers(0, n - start)) for n, start in zip(shape, starts, strict=True)]
    sizes = [-1 if draw(st.integers(0, 5)) == 0 else size for size in sizes]
    return (x, tuple(starts), tuple(sizes)), {}


def _slice_reference(x, start_indices, shape):
    return x[tuple(slice(start, None if n == -1 else start + n) for start, n in zip(start_indices, shape,
                                                                                     strict=True))]


@st.composite
def _sorting(draw):
    shape = draw(s.shapes())
    x = draw(s.arrays(shape, unique=True, gap=0.01))
    if not shape or draw(st.integers(0, 4)) == 0:
        return (x,), {"axis": None}
    return (x,), {"axis": draw(s.axis(len(shape)))}


@st.composite
def _triangle(draw):
    shape = draw(s.shapes(min_dims=1))
    return (draw(s.arrays(shape)),), {"k": draw(st.integers(-3, 3))}


CASES = [
    OpCase("get_item", _get_item(), lambda x, key: x[key]),
    OpCase("take", _take(), np.take),
    OpCase("take_along_axis", _take_along_axis(), np.take_along_axis),
    OpCase("one_hot", _one_hot(), _one_hot_reference),
    OpCase("slice", _slice(), _slice_reference),
    OpCase("sort", _sorting(), np.sort),
    OpCase("argsort", _sorting(), np.argsort),
    OpCase("tril", _triangle(), np.tril),
    OpCase("triu", _triangle(), np.triu),
]
