"""Test cases for kcore/ops/elementwise.py."""

import numpy as np

from kcore.testing import OpCase
from kcore.testing import strategies as s


def _pair_without_zero_divisor():
    return s.binary(low2=0.5, high2=3.0)


CASES = [
    OpCase("add", s.binary(), np.add),
    OpCase("subtract", s.binary(), np.subtract),
    OpCase("multiply", s.binary(), np.multiply),
    OpCase("divide", _pair_without_zero_divisor(), np.divide),
    OpCase("power", s.binary(low=0.5, high=2.0, low2=-2.0, high2=2.0), np.power),
    OpCase("mod", s.binary(low=0.1, high=3.0, low2=3.5, high2=4.0), np.mod),
    OpCase("floor_divide", _pair_without_zero_divisor(), np.floor_divide),
    OpCase("negative", s.unary(), np.negative),
    OpCase("absolute", s.unary(away_from=(0,)), np.absolute),
    OpCase("square", s.unary(), np.square),
    OpCase("sqrt", s.unary(low=0.1), np.sqrt),
    OpCase("rsqrt", s.unary(low=0.1), lambda x: 1 / np.sqrt(x)),
    OpCase("reciprocal", s.unary(low=0.3), np.reciprocal),
    OpCase("exp", s.unary(), np.exp),
    OpCase("expm1", s.unary(), np.expm1),
    OpCase("log", s.unary(low=0.1), np.log),
    OpCase("log1p", s.unary(low=-0.9), np.log1p),
    OpCase("log2", s.unary(low=0.1), np.log2),
    OpCase("log10", s.unary(low=0.1), np.log10),
    OpCase("sin", s.unary(), np.sin),
    OpCase("cos", s.unary(), np.cos),
    OpCase("tan", s.unary(low=-1.2, high=1.2), np.tan),
    OpCase("sinh", s.unary(), np.sinh),
    OpCase("cosh", s.unary(), np.cosh),
    OpCase("arctan", s.unary(), np.arctan),
    OpCase("erf", s.unary(), None, rtol=1e-3, atol=1e-5),
    OpCase("maximum", s.distinct_pair(), np.maximum),
    OpCase("minimum", s.distinct_pair(), np.minimum),
    OpCase("clip", s.unary(away_from=(-1.0, 0.5), x_min=-1.0, x_max=0.5),
           lambda x, x_min, x_max: np.clip(x, x_min, x_max)),
    OpCase("where", s.binary().map(lambda call: ((call[0][0] > 0, *call[0]), {})), np.where),
    OpCase("sign", s.unary(), np.sign),
    OpCase("floor", s.unary(), np.floor),
    OpCase("ceil", s.unary(), np.ceil),
    OpCase("round", s.unary(), np.round),
    OpCase("equal", s.binary(), np.equal),
    OpCase("not_equal", s.binary(), np.not_equal),
    OpCase("greater", s.binary(), np.greater),
    OpCase("greater_equal", s.binary(), np.greater_equal),
    OpCase("less", s.binary(), np.less),
    OpCase("less_equal", s.binary(), np.less_equal),
    OpCase("logical_and", s.binary(), np.logical_and),
    OpCase("logical_or", s.binary(), np.logical_or),
    OpCase("logical_xor", s.binary(), np.logical_xor),
    OpCase("logical_not", s.unary(), np.logical_not),
    OpCase("isnan", s.unary(), np.isnan),
    OpCase("isinf", s.unary(), np.isinf),
    OpCase("isfinite", s.unary(), np.isfinite),
]
