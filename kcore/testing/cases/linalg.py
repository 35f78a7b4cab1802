"""Test cases for kcore/ops/linalg.py, against NumPy's own products and norms."""

import math

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kcore.testing import OpCase
from kcore.testing import strategies as s

_SIDE = st.integers(1, 3)


@st.composite
def _matmul(draw):
    """1-D operands, matrices, and stacks whose batch axes broadcast, as numpy.matmul's signature allows."""
    shape1, shape2 = draw(hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2,
                                                             max_side=3)).input_shapes
    return (draw(s.arrays(shape1)), draw(s.arrays(shape2))), {}


@st.composite
def _dot(draw):
    """Scalars, vectors, matrices and stacks: x1's last axis against x2's second-to-last (or only) axis."""
    shape1 = draw(st.lists(_SIDE, max_size=3))
    shape2 = draw(st.lists(_SIDE, max_size=3))
    if shape1 and shape2:
        shape2[-2 if len(shape2) >= 2 else -1] = shape1[-1]
    return (draw(s.arrays(tuple(shape1))), draw(s.arrays(tuple(shape2)))), {}


def _place(draw, contracted, free):
    """A shape holding `contracted` at drawn positions (returned, some negative) and `free` elsewhere, in order."""
    ndim = len(contracted) + len(free)
    positions = draw(st.permutations(range(ndim)))[:len(contracted)]
    rest = iter(free)
    shape = tuple(contracted[positions.index(i)] if i in positions else next(rest) for i in range(ndim))
    return shape, [p - ndim if draw(st.booleans()) else p for p in positions]


@st.composite
def _tensordot(draw):
    contracted = draw(st.lists(_SIDE, max_size=2))
    free1, free2 = draw(st.lists(_SIDE, max_size=2)), draw(st.lists(_SIDE, max_size=2))
    if draw(st.booleans()):  # axes=N: the last N axes of x1 against the first N of x2
        shape1, shape2, axes = (*free1, *contracted), (*contracted, *free2), len(contracted)
    else:
        shape1, axes1 = _place(draw, contracted, free1)
        shape2, axes2 = _place(draw, contracted, free2)
        axes = (axes1, axes2)
    return (draw(s.arrays(shape1)), draw(s.arrays(shape2))), {"axes": axes}


_EINSUM = [
    "ij,jk->ik", "ij,jk", "i,i->", "i,i", "ij->ji", "ij", "ji", "ii->i", "ii", "ij->i", "ij->", "ij->j",
    "bij,bjk->bik", "i,j->ij", "ij,ij->ij", "ij,j->i", "ijk->kji", "ij,jk,kl->il", "bqhd,bkhd->bhqk", "ba,ca",
    "iij->ij", "i->", "ij,ik", "i,i,i->i",
    "...ij,...jk->...ik", "...i->...", "i...->...", "...ij->...ji", "ii...->i...", "...,...->...", "...ij,jk",
]


@st.composite
def _einsum(draw):
    """A subscripts string from `_EINSUM` with operands of matching shapes; '...' axes broadcast."""
    subscripts = draw(st.sampled_from(_EINSUM))
    terms = subscripts.partition("->")[0].split(",")
    sizes = {c: draw(_SIDE) for c in sorted(set(subscripts) - set(".,->"))}
    batches = draw(hnp.mutually_broadcastable_shapes(num_shapes=len(terms), max_dims=2, max_side=3)).input_shapes
    operands = []
    for term, batch in zip(terms, batches, strict=True):
        head, dots, tail = term.partition("...")
        shape = (*(sizes[c] for c in head), *(batch if dots else ()), *(sizes[c] for c in tail))
        operands.append(draw(s.arrays(shape)))
    return (subscripts, *operands), {}


def _gap(sorted_values, at):
    """The gap between the two largest (at=-1) or smallest (at=0) of each sorted row (inf for one value)."""
    if sorted_values.shape[-1] < 2:
        return np.inf
    pair = sorted_values[..., -2:] if at == -1 else sorted_values[..., :2]
    return np.min(np.abs(pair[..., 1] - pair[..., 0]), initial=np.inf)


def _differentiable(x, ord, axes):
    """Whether the norm is smooth at x: no tie for a max or min, distinct singular values where they count."""
    if ord in (math.inf, -math.inf) and len(axes) == 1:
        return _gap(np.sort(np.moveaxis(np.abs(x), axes[0], -1), axis=-1), -1 if ord > 0 else 0) > 1e-3
    if ord in (1, -1, math.inf, -math.inf) and len(axes) == 2:
        inner, outer = axes if ord in (1, -1) else axes[::-1]
        sums = np.sum(np.abs(x), axis=inner, keepdims=True)
        return _gap(np.sort(np.moveaxis(sums, outer, -1), axis=-1), -1 if ord > 0 else 0) > 1e-3
    if ord in (2, -2, "nuc") and len(axes) == 2:
        singular = np.linalg.svd(np.moveaxis(x, axes, (-2, -1)), compute_uv=False)
        return singular.min(initial=np.inf) > 0.05 and (ord == "nuc" or _gap(singular[..., ::-1], -1 if ord == 2
                                                                             else 0) > 0.05)
    return True


@st.composite
def _norm(draw):
    """The 2-norm of everything, vector norms along one axis, and matrix norms over two."""
    kind = draw(st.sampled_from(["all", "vector", "matrix"]))
    shape = draw(s.shapes(min_dims={"all": 0, "vector": 1, "matrix": 2}[kind]))
    ndim = len(shape)
    x = draw(s.arrays(shape, away_from=(0,)))
    if kind == "all":
        ord, axis, axes = None, None, tuple(range(ndim))
    elif kind == "vector":
        ord = draw(st.sampled_from([None, 2, 1, math.inf, -math.inf, 0, 3, 0.5, -1]))
        axis = draw(st.one_of(s.axis(ndim), st.just(None)) if ndim == 1 else s.axis(ndim))
        axes = (0,) if axis is None else (axis % ndim,)
    else:
        ord = draw(st.sampled_from([None, "fro", 1, -1, 2, -2, math.inf, -math.inf, "nuc"]))
        pair = tuple(draw(st.lists(s.axis(ndim), min_size=2, max_size=2, unique_by=lambda a: a % ndim)))
        axis = draw(st.sampled_from([pair, None])) if ndim == 2 else pair
        axes = (0, 1) if axis is None else tuple(a % ndim for a in axis)
    assume(_differentiable(x, ord, axes))
    return (x,), {"ord": ord, "axis": axis, "keepdims": draw(st.booleans())}


CASES = [
    OpCase("matmul", _matmul(), np.matmul),
    OpCase("dot", _dot(), np.dot),
    OpCase("tensordot", _tensordot(), lambda x1, x2, axes=2: np.tensordot(x1, x2, axes)),
    OpCase("einsum", _einsum(), np.einsum),
    OpCase("outer", s.binary(), np.outer),
    OpCase("norm", _norm(), lambda x, ord=None, axis=None, keepdims=False: np.linalg.norm(x, ord, axis, keepdims)),
]
