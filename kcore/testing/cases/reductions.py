"""Test cases for kcore/ops/reductions.py."""

import numpy as np
from hypothesis import strategies as st

from kcore.testing import OpCase
from kcore.testing import strategies as s


def _logsumexp(x, axis=None, keepdims=False):
    peak = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    return out if keepdims else np.squeeze(out, axis=axis if axis is not None else tuple(range(x.ndim)))


@st.composite
def _cumulative(draw, low=-3.0, high=3.0):
    shape = draw(s.shapes(min_dims=1))
    x = draw(s.arrays(shape, low, high))
    return (x,), {"axis": draw(st.one_of(st.none(), s.axis(len(shape))))}


def _cum(fn):
    return lambda x, axis=None: fn(x.reshape(-1) if axis is None else x, axis=0 if axis is None else axis)


CASES = [
    OpCase("sum", s.reduction(), np.sum),
    OpCase("mean", s.reduction(), np.mean),
    OpCase("max", s.reduction(unique=True), np.max),
    OpCase("min", s.reduction(unique=True), np.min),
    OpCase("prod", s.reduction(low=0.5, high=1.5), np.prod),
    OpCase("var", s.reduction(unique=True), np.var),
    OpCase("std", s.reduction(unique=True).filter(lambda c: np.std(c[0][0], axis=c[1]["axis"]).min(initial=1) > 0.1),
           np.std, rtol=1e-3),
    OpCase("logsumexp", s.reduction(), _logsumexp),
    OpCase("cumsum", _cumulative(), _cum(np.cumsum)),
    OpCase("cumprod", _cumulative(low=0.5, high=1.5), _cum(np.cumprod)),
    OpCase("argmax", s.reduction(unique=True).map(lambda c: (c[0], {**c[1], "axis": None})), np.argmax),
    OpCase("argmin", s.reduction(unique=True).map(lambda c: (c[0], {**c[1], "axis": None})), np.argmin),
    OpCase("any", s.reduction(), np.any),
    OpCase("all", s.reduction(), np.all),
]
