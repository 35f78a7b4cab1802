"""GroupNormalization, UnitNormalization, PReLU, ActivityRegularization and AlphaDropout against NumPy versions
of their equations, with gradients, configs and errors."""

import numpy as np
import pytest

import kcore
from kcore import layers
from kcore.errors import ConfigError
from kcore.testing import check_gradients


def _x(shape, seed=0):
    return np.random.default_rng(seed).normal(1.0, 2.0, shape).astype("float32")


def _group_norm_numpy(x, groups, gamma, beta, epsilon):
    """Wu & He (2018), channels last: statistics over each group's channels and all other non-batch axes."""
    n, channels = x.shape[0], x.shape[-1]
    grouped = x.reshape(n, -1, groups, channels // groups)
    mean = grouped.mean(axis=(1, 3), keepdims=True)
    var = grouped.var(axis=(1, 3), keepdims=True)
    return ((grouped - mean) / np.sqrt(var + epsilon)).reshape(x.shape) * gamma + beta


def test_group_normalization_matches_numpy_group_statistics():
    x = _x((3, 4, 5, 6))
    layer = layers.GroupNormalization(groups=3, epsilon=1e-3)
    layer(x)
    rng = np.random.default_rng(1)
    layer.gamma.assign(rng.normal(size=6).astype("float32"))
    layer.beta.assign(rng.normal(size=6).astype("float32"))
    expected = _group_norm_numpy(x, 3, layer.gamma.numpy(), layer.beta.numpy(), 1e-3)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-4, atol=1e-4)


def test_group_normalization_with_minus_one_groups_is_instance_normalization_on_channels_first():
    x = _x((2, 3, 4, 5))  # channels on axis 1
    y = np.asarray(layers.GroupNormalization(groups=-1, axis=1, epsilon=1e-5)(x))
    expected = (x - x.mean(axis=(2, 3), keepdims=True)) / np.sqrt(x.var(axis=(2, 3), keepdims=True) + 1e-5)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)


def test_group_normalization_gradients_match_finite_differences():
    layer = layers.GroupNormalization(groups=2, dtype="float64")
    x = _x((2, 3, 4)).astype("float64")
    layer(x)
    layer.gamma.assign(np.array([0.5, 1.5, -1.0, 2.0]))
    check_gradients(lambda x: layer(x), [x], name="GroupNormalization")


def test_group_normalization_refuses_groups_that_do_not_divide_the_channels():
    with pytest.raises(ConfigError, match=r"GroupNormalization '.*': `groups`=4 must divide the 6 channels.*groups=3"):
        layers.GroupNormalization(groups=4)(np.ones((2, 6), "float32"))
    with pytest.raises(ConfigError, match=r"groups.*positive int.*groups=0"):
        layers.GroupNormalization(groups=0)


def test_unit_normalization_divides_by_the_l2_norm_over_its_axes():
    x = _x((3, 4, 5))
    np.testing.assert_allclose(layers.UnitNormalization()(x), x / np.linalg.norm(x, axis=-1, keepdims=True),
                               rtol=1e-5)
    np.testing.assert_allclose(layers.UnitNormalization(axis=[1, 2])(x),
                               x / np.sqrt((x ** 2).sum(axis=(1, 2), keepdims=True)), rtol=1e-5)
    assert np.all(np.asarray(layers.UnitNormalization()(np.zeros((1, 3), "float32"))) == 0)
    check_gradients(lambda x: layers.UnitNormalization(dtype="float64")(x), [x.astype("float64")],
                    name="UnitNormalization")


def test_prelu_learns_a_slope_per_entry_shared_along_shared_axes():
    x = _x((2, 3, 4))
    layer = layers.PReLU(shared_axes=[1])
    layer(x)
    assert layer.alpha.shape == (1, 4)
    np.testing.assert_allclose(layer(x), np.maximum(x, 0), rtol=1e-6)  # alpha starts at zero ("Zeros")
    alpha = np.array([[0.1, -0.2, 0.3, 2.0]], "float32")
    layer.alpha.assign(alpha)
    np.testing.assert_allclose(layer(x), np.where(x >= 0, x, alpha * x), rtol=1e-6)
    x64 = np.where(np.abs(x) < 0.1, 0.5, x).astype("float64")
    layer64 = layers.PReLU(alpha_initializer="ones", dtype="float64")
    check_gradients(lambda x: layer64(x), [x64], name="PReLU")


def test_activity_regularization_adds_its_penalty_divided_by_the_batch_size():
    x = _x((4, 3))
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    np.testing.assert_array_equal(layer(x), x)
    expected = (0.1 * np.abs(x).sum() + 0.01 * (x ** 2).sum()) / 4
    np.testing.assert_allclose(float(layer.losses[0]), expected, rtol=1e-5)
    assert layer.get_config()["l1"] == 0.1 and "activity_regularizer" not in layer.get_config()


def test_activity_regularization_penalty_enters_the_training_loss():
    inputs = layers.Input((3,))
    model = kcore.Model(inputs, layers.ActivityRegularization(l2=100.0)(layers.Dense(2)(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    x, y = _x((8, 3)), np.zeros((8, 2), "float32")
    plain = kcore.Model(inputs, model.layers[1].output)
    plain.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(x, y, verbose=0) > plain.evaluate(x, y, verbose=0) + 1.0


def test_alpha_dropout_keeps_selu_statistics_and_is_the_identity_at_inference():
    x = np.random.default_rng(0).normal(size=(200, 500)).astype("float32")
    layer = layers.AlphaDropout(0.3, seed=4)
    np.testing.assert_array_equal(layer(x, training=False), x)
    y = np.asarray(layer(x, training=True))
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1.0) < 0.02
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - 0.3) * (1 + 0.3 * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * 0.3
    dropped = np.isclose(y, a * alpha_p + b, atol=1e-5)
    assert abs(dropped.mean() - 0.3) < 0.01
    np.testing.assert_allclose(y[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-5)
    with pytest.raises(ConfigError, match=r"AlphaDropout '.*': `rate` must be a number in \[0, 1\).*rate=1.5"):
        layers.AlphaDropout(1.5)


@pytest.mark.parametrize("layer", [
    layers.GroupNormalization(groups=2, axis=1, center=False, gamma_regularizer="l2"),
    layers.UnitNormalization(axis=[1, 2]), layers.PReLU(shared_axes=[1, 2], alpha_constraint="non_neg"),
    layers.ActivityRegularization(l1=0.2), layers.AlphaDropout(0.1, noise_shape=(None, 1), seed=3)])
def test_config_round_trips(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config
