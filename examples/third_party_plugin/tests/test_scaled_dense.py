"""ScaledDense through kcore's layer conformance test, and against a NumPy computation."""

import numpy as np
import pytest
from acme_kcore import ScaledDense, plugin

import kcore
from kcore.errors import ConfigError
from kcore.testing import check_layer_case


@pytest.mark.parametrize("case", plugin.kcore_layer_cases(), ids=str)
def test_scaled_dense_passes_the_layer_conformance_test(case):
    check_layer_case(case)


def test_output_is_the_kernel_product_scaled_by_gain_over_root_fan_in():
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    layer = ScaledDense(3, gain=2.0)
    out = layer(x)
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel, np.array([0.5, -1.0, 2.0], "float32")])
    np.testing.assert_allclose(layer(x), x @ kernel * (2.0 / np.sqrt(4)) + [0.5, -1.0, 2.0], rtol=1e-5, atol=1e-6)
    assert out.dtype == np.float32 and not bias.any()


def test_kernel_starts_from_a_standard_normal_whatever_the_width():
    kcore.utils.set_random_seed(0)
    layer = ScaledDense(200)
    layer.build((None, 300))
    kernel = layer.get_weights()[0]
    # 60,000 draws: the mean's standard error is 0.004 and the std's 0.003, so these bounds are 5 sigma
    assert abs(kernel.mean()) < 0.02 and abs(kernel.std() - 1.0) < 0.015


def test_bad_units_are_refused_with_the_value_received():
    with pytest.raises(ConfigError, match=r"`units` must be a positive int\. Received: units=0"):
        ScaledDense(0)
