"""Dense and the convolution layers add their bias and apply their activation in place when nothing records
gradients; that path must give exactly what the recorded composition of ops gives."""

import numpy as np
import pytest

import kcore
from kcore import layers


def _inference_and_recorded(layer, x):
    inference = np.asarray(layer(x))
    with kcore.GradientTape() as tape:
        tape.watch(layer.trainable_variables)
        recorded = layer(x)
    return inference, np.asarray(recorded.value if hasattr(recorded, "value") else recorded)


@pytest.mark.parametrize("activation", ["relu", "softmax", "linear", "tanh", None])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_inference_equals_the_recorded_ops(activation, use_bias):
    x = np.random.default_rng(0).normal(size=(4, 3, 5)).astype("float32")
    layer = layers.Dense(6, activation=activation, use_bias=use_bias, bias_initializer="random_normal")
    inference, recorded = _inference_and_recorded(layer, x)
    np.testing.assert_array_equal(inference, recorded)
    assert inference.dtype == np.float32


def test_in_place_tail_does_not_touch_the_layer_weights_or_inputs():
    x = np.random.default_rng(1).normal(size=(2, 5)).astype("float32")
    layer = layers.Dense(3, activation="relu", bias_initializer="ones")
    layer(x)
    before = [w.copy() for w in layer.get_weights()]
    x_before = x.copy()
    layer(x)
    for w, b in zip(layer.get_weights(), before, strict=True):
        np.testing.assert_array_equal(w, b)
    np.testing.assert_array_equal(x, x_before)
