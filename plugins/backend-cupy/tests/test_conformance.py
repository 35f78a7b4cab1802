"""kcore's backend conformance suite on CuPy: every op compared with the NumPy backend (values, dtypes, shapes and
gradients, in float32 and float64), conversions, float32 defaults, random numbers and a few training steps.

Needs CuPy and a CUDA GPU; elsewhere every test here is skipped with the reason ("CuPy not installed", "no CUDA
GPU visible (...)"), which pytest's -rs summary shows.
"""

import pytest
from kcore_backend_cupy import unavailable_reason

from kcore.testing.backend_conformance import *  # noqa: F403  (the whole suite, collected here)

UNAVAILABLE = unavailable_reason()
pytestmark = pytest.mark.skipif(UNAVAILABLE is not None, reason=UNAVAILABLE or "")


@pytest.fixture
def backend_name():
    return "cupy"
