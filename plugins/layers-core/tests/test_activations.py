"""The activation functions and activation layers against NumPy formulas, and the gradients of those composed
here (relu's general form, mish)."""

import math

import numpy as np
import pytest

from kcore import activations, layers
from kcore.errors import ConfigError
from kcore.testing import check_gradients

X = np.linspace(-4.1, 4.1, 30).reshape(5, 6)  # no exact zeros or thresholds below
_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


REFERENCES = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))),  # exact, Keras 3's default
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "hard_silu": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "hard_swish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "tanh": np.tanh,
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "log_sigmoid": lambda x: np.log(_sigmoid(x)),
    "softmax": _softmax,
    "log_softmax": lambda x: np.log(_softmax(x)),
    "exponential": np.exp,
    "linear": lambda x: x,
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_activation_matches_its_numpy_formula(name):
    np.testing.assert_allclose(activations.get(name)(X), REFERENCES[name](X), rtol=1e-6, atol=1e-7)


def test_gelu_approximate_is_the_tanh_form():
    expected = 0.5 * X * (1 + np.tanh(math.sqrt(2 / math.pi) * (X + 0.044715 * X ** 3)))
    np.testing.assert_allclose(activations.gelu(X, approximate=True), expected, rtol=1e-6)


def _keras_relu(x, negative_slope, max_value, threshold):
    positive = np.where(x > threshold, x, 0.0)
    if max_value is not None:
        positive = np.clip(positive, 0, max_value)
    return positive + np.where(x > threshold, 0.0, negative_slope * (x - threshold))


RELU_ARGUMENTS = [(0.0, None, 0.0), (0.1, None, 0.0), (0.0, 6.0, 0.0), (0.0, 2.0, 0.0), (0.2, 1.5, 0.5),
                  (0.0, None, -1.0), (0.3, None, 1.0)]


@pytest.mark.parametrize(("negative_slope", "max_value", "threshold"), RELU_ARGUMENTS)
def test_relu_with_slope_cap_and_threshold_matches_keras_and_finite_differences(negative_slope, max_value,
                                                                                threshold):
    kwargs = {"negative_slope": negative_slope, "max_value": max_value, "threshold": threshold}
    np.testing.assert_allclose(activations.relu(X, **kwargs), _keras_relu(X, **kwargs), rtol=1e-12)
    np.testing.assert_allclose(layers.ReLU(**kwargs, dtype="float64")(X), _keras_relu(X, **kwargs), rtol=1e-12)
    check_gradients(lambda x: activations.relu(x, **kwargs), [X], name=f"relu({kwargs})")


def test_mish_gradient_matches_finite_differences():
    check_gradients(activations.mish, [X], name="mish")


def test_activations_keep_float32():
    x = X.astype("float32")
    for name in REFERENCES:
        assert np.asarray(activations.get(name)(x)).dtype == np.float32, name


def test_softmax_over_an_axis_of_size_one_warns():
    with pytest.warns(UserWarning, match="size 1"):
        activations.softmax(np.ones((3, 1), "float32"))


def test_leaky_relu_layer_defaults_to_keras_3_slope_and_accepts_the_legacy_alpha():
    np.testing.assert_allclose(layers.LeakyReLU(dtype="float64")(X), np.where(X >= 0, X, 0.3 * X))
    with pytest.warns(DeprecationWarning, match="negative_slope"):
        assert layers.LeakyReLU(alpha=0.1).negative_slope == 0.1


def test_elu_layer_uses_its_alpha():
    np.testing.assert_allclose(layers.ELU(alpha=0.5, dtype="float64")(X), np.where(X > 0, X, 0.5 * np.expm1(X)))


def test_softmax_layer_gives_masked_entries_zero_probability():
    x = np.random.default_rng(0).standard_normal((2, 4))
    mask = np.array([[True, True, False, True], [False, False, False, True]])
    out = np.asarray(layers.Softmax(dtype="float64")(x, mask=mask))
    expected = np.where(mask, np.exp(x), 0) / np.where(mask, np.exp(x), 0).sum(-1, keepdims=True)
    np.testing.assert_allclose(out, expected, rtol=1e-9)


def test_softmax_layer_over_several_axes_sums_to_one_over_them():
    out = np.asarray(layers.Softmax(axis=[1, 2], dtype="float64")(np.random.default_rng(0).standard_normal((2, 3, 4))))
    np.testing.assert_allclose(out.sum(axis=(1, 2)), 1.0)


@pytest.mark.parametrize(("kwargs", "match"), [({"max_value": -1}, "max_value=-1"),
                                               ({"negative_slope": -0.1}, r"negative_slope=-0\.1")])
def test_relu_layer_rejects_negative_arguments(kwargs, match):
    with pytest.raises(ConfigError, match=r"ReLU '.*'.*" + match):
        layers.ReLU(**kwargs)
