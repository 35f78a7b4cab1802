"""Dropout, SpatialDropout1D/2D/3D, GaussianNoise and GaussianDropout: identity at inference, the right noise in
training, repeatable seeds."""

import math

import numpy as np
import pytest

from kcore import GradientTape, layers, ops
from kcore.errors import ConfigError, ShapeError
from kcore.utils import set_random_seed

# Keras 3's Dropout.get_config keys.
DROPOUT_KEYS = {"name", "trainable", "dtype", "rate", "noise_shape", "seed"}


def _x(shape=(200, 50), value=1.0):
    return np.full(shape, value, "float32")


@pytest.mark.parametrize("layer", [layers.Dropout(0.5), layers.SpatialDropout1D(0.5), layers.GaussianNoise(1.0),
                                   layers.GaussianDropout(0.5)], ids=lambda layer: type(layer).__name__)
def test_random_layers_are_the_identity_at_inference(layer):
    x = np.random.default_rng(0).standard_normal((4, 3, 5)).astype("float32")
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer(x, training=False), x)


def test_dropout_keeps_entries_scaled_by_one_over_one_minus_rate():
    out = np.asarray(layers.Dropout(0.25)(_x(value=3.0), training=True))
    assert set(np.unique(out).tolist()) <= {0.0, 4.0}
    assert abs((out == 0).mean() - 0.25) < 0.02  # 10,000 draws: the standard error is 0.004
    assert out.dtype == np.float32


def test_dropout_gradient_is_the_same_mask_and_scale_as_the_output():
    layer = layers.Dropout(0.5, seed=3)
    x = ops.convert_to_tensor(_x((8, 8)))
    with GradientTape() as tape:
        x_watched = tape.watch(x)
        out = layer(x_watched, training=True)
    np.testing.assert_array_equal(tape.gradient(out, x_watched), np.asarray(out.value))


def test_dropout_noise_shape_shares_the_mask_along_axes_of_size_one():
    out = np.asarray(layers.Dropout(0.5, noise_shape=(None, 1, 6))(_x((4, 5, 6)), training=True))
    assert (out == out[:, :1, :]).all()


def test_dropout_with_a_seed_repeats_its_masks_and_draws_a_new_one_at_each_call():
    first, second = layers.Dropout(0.5, seed=7), layers.Dropout(0.5, seed=7)
    a1, a2 = np.asarray(first(_x(), training=True)), np.asarray(first(_x(), training=True))
    np.testing.assert_array_equal(a1, np.asarray(second(_x(), training=True)))
    assert (a1 != a2).any()


def test_set_random_seed_repeats_the_masks_of_unseeded_dropout():
    def run():
        set_random_seed(11)
        return np.asarray(layers.Dropout(0.5)(_x(), training=True))

    np.testing.assert_array_equal(run(), run())


@pytest.mark.parametrize("rate", [1.5, -0.1, 1.0, "0.5", None])
def test_dropout_rejects_a_rate_outside_zero_to_one_naming_the_layer_and_value(rate):
    with pytest.raises(ConfigError, match=r"Dropout '.*'.*`rate`.*rate=" + repr(rate).replace(".", r"\.")):
        layers.Dropout(rate=rate)


def test_dropout_config_has_keras_3_keys():
    config = layers.Dropout(0.2, noise_shape=(None, 1), seed=4).get_config()
    assert set(config) == DROPOUT_KEYS
    assert (config["rate"], config["noise_shape"], config["seed"]) == (0.2, [None, 1], 4)


@pytest.mark.parametrize(("cls", "shape", "data_format", "spatial_axes"), [
    (layers.SpatialDropout1D, (6, 40, 8), None, (1,)),
    (layers.SpatialDropout2D, (6, 9, 9, 8), "channels_last", (1, 2)),
    (layers.SpatialDropout2D, (6, 8, 9, 9), "channels_first", (2, 3)),
    (layers.SpatialDropout3D, (6, 4, 4, 4, 8), "channels_last", (1, 2, 3)),
])
def test_spatial_dropout_drops_whole_feature_maps(cls, shape, data_format, spatial_axes):
    kwargs = {} if data_format is None else {"data_format": data_format}
    out = np.asarray(cls(0.5, **kwargs)(_x(shape), training=True))
    maps_zero = (out == 0).all(axis=spatial_axes)
    maps_kept = (out == 2.0).all(axis=spatial_axes)
    assert (maps_zero | maps_kept).all() and maps_zero.any() and maps_kept.any()


def test_spatial_dropout_names_the_layout_it_expects_for_inputs_of_another_rank():
    with pytest.raises(ShapeError, match=r"SpatialDropout2D '.*' expects inputs of rank 4 \(batch, dim1, dim2"):
        layers.SpatialDropout2D(0.5)(_x((2, 3, 4)))


def test_gaussian_noise_adds_noise_of_the_given_standard_deviation():
    out = np.asarray(layers.GaussianNoise(0.3)(_x(value=2.0), training=True))
    noise = out - 2.0
    assert abs(noise.mean()) < 0.02 and abs(noise.std() - 0.3) < 0.02


def test_gaussian_dropout_multiplies_by_noise_of_mean_one_and_dropout_variance():
    out = np.asarray(layers.GaussianDropout(0.2)(_x(value=1.0), training=True))
    assert abs(out.mean() - 1.0) < 0.02 and abs(out.std() - math.sqrt(0.2 / 0.8)) < 0.02


def test_gaussian_noise_rejects_a_negative_stddev():
    with pytest.raises(ConfigError, match=r"GaussianNoise '.*'.*`stddev`.*stddev=-1"):
        layers.GaussianNoise(-1)
