"""The Charbonnier loss through kcore's loss conformance test, and against its formula in NumPy."""

import numpy as np
import pytest
from acme_kcore import Charbonnier, charbonnier, plugin

from kcore.testing import check_loss_case


@pytest.mark.parametrize("case", plugin.kcore_loss_cases(), ids=str)
def test_charbonnier_passes_the_loss_conformance_test(case):
    check_loss_case(case, max_examples=20)


def test_values_follow_the_formula_per_sample_and_reduce_to_their_mean():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.standard_normal((6, 3)), rng.standard_normal((6, 3)).astype("float32")
    per_sample = np.sqrt((y_pred - y_true) ** 2 + 0.2**2).mean(axis=-1)
    np.testing.assert_allclose(charbonnier(y_true, y_pred, epsilon=0.2), per_sample, rtol=1e-6)
    np.testing.assert_allclose(Charbonnier(epsilon=0.2)(y_true, y_pred), per_sample.mean(), rtol=1e-6)
    assert Charbonnier()(y_true, y_pred).dtype == np.float32


def test_far_from_zero_it_grows_like_the_absolute_error():
    errors = np.array([[100.0], [-50.0]], "float32")
    np.testing.assert_allclose(charbonnier(np.zeros_like(errors), errors), [100.0, 50.0], rtol=1e-6)
