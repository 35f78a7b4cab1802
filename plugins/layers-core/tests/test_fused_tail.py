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


def _composed_relu(x, kernel, bias):
    return kcore.ops.relu(kcore.ops.add(kcore.ops.matmul(x, kernel), bias))


def test_under_a_tape_relu_and_bias_are_one_recorded_op_with_the_gradients_of_the_composition():
    from kcore_layers_core.fused import bias_relu

    rng = np.random.default_rng(2)
    x = rng.normal(size=(6, 5)).astype("float32")
    layer = layers.Dense(4, activation="relu", bias_initializer="random_normal")
    layer.build((None, 5))
    kernel, bias = layer.kernel, layer.bias
    cotangent = rng.normal(size=(6, 4)).astype("float32")
    results = []
    for run in (lambda: layer(x), lambda: _composed_relu(x, kernel, bias)):
        with kcore.GradientTape() as tape:
            tape.watch(x)
            y = run()
            loss = kcore.ops.sum(kcore.ops.multiply(y, cotangent))
        results.append([np.asarray(y.value)] + [np.asarray(g) for g in tape.gradient(loss, [kernel, bias])])
    assert (results[1][0] == 0).any() and (results[1][0] > 0).any()  # both sides of the kink are exercised
    for fused, composed in zip(*results, strict=True):
        np.testing.assert_allclose(fused, composed, rtol=1e-6, atol=1e-7)
    assert bias_relu.name == "bias_relu"


def test_the_recorded_in_place_tail_leaves_inputs_and_weights_alone_and_the_kernel_gradient_right():
    from kcore.testing import check_gradients

    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 4))
    layer = layers.Dense(5, activation="relu", bias_initializer="random_normal", dtype="float64")
    layer.build((None, 4))
    x_before, weights_before = x.copy(), [w.copy() for w in layer.get_weights()]
    check_gradients(lambda x, kernel, bias: layer(x), [x, layer.kernel.value, layer.bias.value], wrt=[0],
                    name="Dense(relu) under a tape")
    np.testing.assert_array_equal(x, x_before)
    for w, b in zip(layer.get_weights(), weights_before, strict=True):
        np.testing.assert_array_equal(w, b)
