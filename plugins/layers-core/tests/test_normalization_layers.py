"""BatchNormalization and LayerNormalization against NumPy: outputs, moving statistics, and the fused gradient
checked as a property over shapes and axes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcore import GradientTape, Variable, layers, ops
from kcore.errors import ConfigError, ShapeError
from kcore.testing import check_gradients, strategies

# Keras 3's BatchNormalization.get_config keys (its documented signature, plus name, trainable and dtype).
BATCH_NORMALIZATION_KEYS = {
    "name", "trainable", "dtype", "axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
    "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer",
    "gamma_regularizer", "beta_constraint", "gamma_constraint", "synchronized"}


def _batch(seed, shape=(16, 3), loc=2.0, scale=3.0):
    return np.random.default_rng(seed).normal(loc, scale, shape).astype("float32")


def _random_affine(layer):
    rng = np.random.default_rng(9)
    for weight in layer.trainable_weights:
        weight.assign(rng.normal(size=weight.shape).astype(weight.dtype))


def test_batch_normalization_in_training_normalises_by_the_batch_statistics():
    layer = layers.BatchNormalization(epsilon=1e-3)
    x = _batch(0)
    layer(x[:1], training=False)
    _random_affine(layer)
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3) * gamma + beta
    np.testing.assert_allclose(layer(x, training=True), expected, rtol=1e-4, atol=1e-5)


def test_batch_normalization_moving_statistics_follow_the_momentum_formula():
    layer = layers.BatchNormalization(momentum=0.8)
    mean, variance = np.zeros(3), np.ones(3)
    for step in range(4):
        x = _batch(step)
        layer(x, training=True)
        mean = 0.8 * mean + 0.2 * x.mean(0)
        variance = 0.8 * variance + 0.2 * x.var(0)  # the batch's biased variance, as Keras 3
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), variance, rtol=1e-5)
    x = _batch(10)
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()
    expected = (x - mean) / np.sqrt(variance + 1e-3) * gamma + beta
    np.testing.assert_allclose(layer(x), expected, rtol=1e-4, atol=1e-5)  # inference: the moving statistics


def test_batch_normalization_updates_moving_statistics_in_place_and_off_the_tape():
    layer = layers.BatchNormalization()
    x = Variable(_batch(0))  # a trainable input, so that everything downstream of it is recorded
    layer(x.value[:2], training=False)
    arrays = [layer.moving_mean.value, layer.moving_variance.value]
    with GradientTape() as tape:
        loss = ops.sum(ops.square(layer(x, training=True)))
    assert layer.moving_mean.value is arrays[0] and layer.moving_variance.value is arrays[1]
    assert not (layer.moving_mean.numpy() == 0).all()
    grads = tape.gradient(loss, [layer.gamma, layer.beta, layer.moving_mean, layer.moving_variance])
    assert grads[0] is not None and grads[1] is not None
    assert grads[2] is None and grads[3] is None


def test_batch_normalization_inference_leaves_the_moving_statistics_alone():
    layer = layers.BatchNormalization()
    layer(_batch(0))
    layer(_batch(1), training=False)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3))


def test_frozen_batch_normalization_runs_in_inference_mode_even_when_training():
    layer = layers.BatchNormalization()
    x = _batch(0)
    layer.trainable = False
    np.testing.assert_allclose(layer(x, training=True), x / np.sqrt(1 + 1e-3), rtol=1e-6)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3))


def test_batch_normalization_normalises_the_given_axis():
    x = _batch(0, shape=(4, 3, 5))
    out = np.asarray(layers.BatchNormalization(axis=1)(x, training=True))
    np.testing.assert_allclose(out.mean(axis=(0, 2)), np.zeros(3), atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(0, 2)), x.var(axis=(0, 2)) / (x.var(axis=(0, 2)) + 1e-3), rtol=1e-4)


def test_batch_normalization_weights_are_in_keras_3_order():
    layer = layers.BatchNormalization()
    layer(_batch(0))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in layer.trainable_weights] == ["gamma", "beta"]


def test_batch_normalization_config_has_keras_3_keys():
    assert set(layers.BatchNormalization().get_config()) == BATCH_NORMALIZATION_KEYS


@pytest.mark.parametrize(("kwargs", "match"), [({"momentum": 1.5}, "momentum=1.5"), ({"epsilon": 0}, "epsilon=0"),
                                               ({"axis": [1, 2]}, r"axis=\[1, 2\]")])
def test_batch_normalization_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ConfigError, match=r"BatchNormalization '.*'.*" + match):
        layers.BatchNormalization(**kwargs)


def test_batch_normalization_called_on_other_features_than_it_was_built_for_names_the_shape():
    layer = layers.BatchNormalization()
    layer(_batch(0))
    with pytest.raises(ShapeError, match=r"BatchNormalization '.*'.*3 features.*\(16, 4\)"):
        layer(_batch(0, shape=(16, 4)))


def test_layer_normalization_normalises_each_sample_over_its_axes():
    x = _batch(0, shape=(2, 3, 4))
    layer = layers.LayerNormalization(axis=[1, 2])
    layer(x)
    _random_affine(layer)
    mean, variance = x.mean(axis=(1, 2), keepdims=True), x.var(axis=(1, 2), keepdims=True)
    expected = (x - mean) / np.sqrt(variance + 1e-3) * layer.gamma.numpy() + layer.beta.numpy()
    np.testing.assert_allclose(layer(x), expected, rtol=1e-4, atol=1e-5)
    assert layer.gamma.shape == (3, 4)


def test_layer_normalization_with_rms_scaling_divides_by_the_root_mean_square():
    x = _batch(0, shape=(3, 5))
    layer = layers.LayerNormalization(rms_scaling=True)
    layer(x)
    _random_affine(layer)
    expected = x / np.sqrt((x ** 2).mean(axis=-1, keepdims=True) + 1e-3) * layer.gamma.numpy()
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5)
    assert [w.name for w in layer.weights] == ["gamma"]


@settings(max_examples=20, deadline=None)
@given(data=st.data(), shape=strategies.shapes(min_dims=2, max_dims=4, min_side=2, max_side=3))
def test_fused_normalization_gradients_match_finite_differences(data, shape):
    """The closed-form gradient of the fused normalisation, for inputs and weights, over shapes and axes."""
    x = data.draw(strategies.arrays(shape), label="x")
    axis = data.draw(strategies.axis(len(shape)), label="axis")
    for layer, kwargs in ((layers.LayerNormalization(axis=axis, dtype="float64"), {}),
                          (layers.BatchNormalization(axis=axis, dtype="float64"), {"training": True})):
        layer(x, **kwargs)
        _random_affine(layer)
        name = f"{type(layer).__name__}(axis={axis}) on {shape}"
        check_gradients(lambda x, layer=layer, kwargs=kwargs: layer(x, **kwargs), [x], rtol=1e-4, atol=1e-6,
                        name=name)
        gamma, beta = layer.gamma, layer.beta
        with GradientTape() as tape:
            out = layer(x, **kwargs)
        cotangent = np.random.default_rng(1).standard_normal(out.shape)
        d_gamma, d_beta = tape.gradient(out, [gamma, beta], output_gradients=cotangent)
        x_hat = (np.asarray(out.value) - beta.numpy().reshape(layer._param_shape)) / gamma.numpy().reshape(
            layer._param_shape)
        reduce = tuple(i for i, n in enumerate(layer._param_shape) if n == 1)
        np.testing.assert_allclose(d_gamma, np.sum(cotangent * x_hat, axis=reduce).reshape(gamma.shape), rtol=1e-6,
                                   atol=1e-9)
        np.testing.assert_allclose(d_beta, np.sum(cotangent, axis=reduce).reshape(beta.shape), rtol=1e-9)
