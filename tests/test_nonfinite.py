"""The per-step finiteness check behind fit's TerminateOnNaN default."""

import numpy as np

from kcore.training.nonfinite import step_is_finite


def test_a_nan_or_an_infinity_in_any_gradient_is_found():
    grads = [np.ones((3, 4), "float32"), np.zeros(5, "float32")]
    assert step_is_finite(np.float32(1.0), grads)
    for bad in (np.nan, np.inf, -np.inf):
        broken = [g.copy() for g in grads]
        broken[1][2] = bad
        assert not step_is_finite(np.float32(1.0), broken)
    assert not step_is_finite(np.float32(np.nan), grads)


def test_finite_gradients_whose_sum_overflows_are_still_finite():
    huge = np.full(8, 3e38, dtype="float32")  # every element finite; their float32 sum is inf
    assert not np.isfinite(huge.sum())
    assert step_is_finite(np.float32(1.0), [huge, None])
