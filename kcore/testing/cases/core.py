"""Test cases for kcore/ops/core.py."""

from kcore.testing import OpCase
from kcore.testing import strategies as s

CASES = [
    OpCase("cast", s.unary(dtype="float64"), lambda x, dtype: x.astype(dtype), keeps_float32=False),
    OpCase("stop_gradient", s.unary(), lambda x: x),
]
