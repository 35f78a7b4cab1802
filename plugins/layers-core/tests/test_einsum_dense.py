"""EinsumDense: kernel and bias shapes read from the equation as Keras 3 reads them, outputs against np.einsum,
gradients, config, and errors that name the layer and the fix."""

import numpy as np
import pytest

from kcore import layers
from kcore.errors import ConfigError, ShapeError
from kcore.testing import check_gradients


@pytest.mark.parametrize(("equation", "output_shape", "bias_axes", "input_shape", "kernel", "bias", "output"), [
    ("ab,bc->ac", 64, "c", (2, 32), (32, 64), (64,), (2, 64)),
    ("abc,cd->abd", (None, 64), "d", (2, 32, 128), (128, 64), (64,), (2, 32, 64)),
    ("...x,xy->...y", 64, "y", (2, 32, 128), (128, 64), (64,), (2, 32, 64)),
    ("abc,cde->abde", (None, 2, 4), "de", (3, 5, 8), (8, 2, 4), (2, 4), (3, 5, 2, 4)),
    ("abc,cde->abde", (None, 2, 4), "d", (3, 5, 8), (8, 2, 4), (2, 1), (3, 5, 2, 4)),
    ("abcd,cde->abe", (None, 7), "e", (2, 5, 3, 4), (3, 4, 7), (7,), (2, 5, 7)),
    ("ab...,bc->ac...", 6, "c", (2, 3, 4), (3, 6), (6, 1), (2, 6, 4)),
])
def test_einsum_dense_weight_shapes_follow_the_equation_as_in_keras(equation, output_shape, bias_axes,
                                                                     input_shape, kernel, bias, output):
    layer = layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes)
    x = np.random.default_rng(0).normal(size=input_shape).astype("float32")
    y = layer(x)
    assert (layer.kernel.shape, layer.bias.shape, y.shape) == (kernel, bias, output)
    expected = np.einsum(equation, x, layer.kernel.numpy()) + layer.bias.numpy()
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    assert layer.compute_output_shape((None, *input_shape[1:]))[1:] == output[1:]


def test_einsum_dense_applies_its_activation_and_has_no_bias_without_bias_axes():
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 3), activation="relu")
    x = np.random.default_rng(1).normal(size=(2, 4, 5)).astype("float32")
    y = layer(x)
    assert layer.bias is None and len(layer.weights) == 1
    np.testing.assert_allclose(y, np.maximum(np.einsum("abc,cd->abd", x, layer.kernel.numpy()), 0), rtol=1e-5,
                               atol=1e-6)


def test_einsum_dense_gradients_match_finite_differences():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", activation="tanh",
                               dtype="float64")
    x = np.random.default_rng(2).normal(size=(2, 3, 4))
    layer(x)
    check_gradients(lambda x, k, b: layer(x), [x, layer.kernel.value, layer.bias.value], wrt=[0],
                    name="EinsumDense")


def test_einsum_dense_config_round_trips_with_keras_keys():
    layer = layers.EinsumDense("...x,xy->...y", output_shape=4, bias_axes="y", activation="gelu")
    config = layer.get_config()
    assert config["equation"] == "...x,xy->...y" and config["output_shape"] == [4] and config["bias_axes"] == "y"
    assert type(layer).from_config(config).get_config() == config


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"equation": "ab->b", "output_shape": 3}, ConfigError, "equation.*'X,Y->Z'.*ab->b"),
    ({"equation": "ab,bc->ac", "output_shape": 3, "bias_axes": "z"}, ConfigError, "bias_axes.*'ac'.*'z'"),
    ({"equation": "ab,bc->ac", "output_shape": (3, 4)}, ConfigError, "output_shape.*must give 1 size"),
    ({"equation": "ab,bcz->ac", "output_shape": 3}, ConfigError, "kernel letter 'z'"),
    ({"equation": "abc,cd->abd", "output_shape": (None, 3)}, ShapeError, "rank 3.*shape \\(2, 4\\)"),
])
def test_einsum_dense_errors_name_the_layer_the_value_and_the_fix(kwargs, error, message):
    with pytest.raises(error, match=f"EinsumDense '.*'.*{message}"):
        layers.EinsumDense(**kwargs)(np.ones((2, 4), "float32"))
