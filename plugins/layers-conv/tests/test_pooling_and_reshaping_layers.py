"""Pooling, global pooling, padding, cropping and upsampling layers: Keras 3's defaults, configs, values."""

import numpy as np
import pytest

from kcore import layers
from kcore.errors import ConfigError, ShapeError


def test_pooling_strides_default_to_the_pool_size_and_the_config_has_keras_keys():
    layer = layers.MaxPooling2D((2, 3))
    assert layer.strides == (2, 3)
    assert layer.get_config() == {"name": layer.name, "trainable": True, "dtype": "float32", "pool_size": (2, 3),
                                  "padding": "valid", "strides": (2, 3), "data_format": "channels_last"}
    assert layers.MaxPooling2D()(np.ones((2, 5, 5, 3), "float32")).shape == (2, 2, 2, 3)


def test_average_pooling_takes_no_default_pool_size_as_in_keras():
    with pytest.raises(TypeError):
        layers.AveragePooling2D()


def test_max_pooling_picks_window_maxima():
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(np.asarray(layers.MaxPooling2D(2)(x))[0, :, :, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(np.asarray(layers.AveragePooling2D(2)(x))[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])


def test_global_pooling_reduces_the_spatial_axes_of_either_layout():
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype("float32")
    np.testing.assert_allclose(layers.GlobalAveragePooling2D()(x), x.mean(axis=(1, 2)), rtol=1e-6)
    np.testing.assert_allclose(layers.GlobalMaxPooling2D(data_format="channels_first")(x), x.max(axis=(2, 3)))
    assert layers.GlobalAveragePooling2D(keepdims=True)(x).shape == (2, 1, 1, 5)
    assert layers.GlobalMaxPooling3D(keepdims=True).compute_output_shape((None, 2, 3, 4, 6)) == (None, 1, 1, 1, 6)


def test_global_average_pooling_1d_averages_only_the_unmasked_steps():
    x = np.array([[[1.0], [3.0], [100.0]]], "float32")
    mask = np.array([[True, True, False]])
    np.testing.assert_allclose(layers.GlobalAveragePooling1D()(x, mask=mask), [[2.0]])


def test_zero_padding_reads_keras_padding_forms_and_pads_the_spatial_axes():
    assert layers.ZeroPadding2D(2).padding == ((2, 2), (2, 2))
    assert layers.ZeroPadding2D((1, 3)).padding == ((1, 1), (3, 3))
    assert layers.ZeroPadding1D(2).get_config()["padding"] == (2, 2)
    out = np.asarray(layers.ZeroPadding2D(((1, 0), (0, 2)), data_format="channels_first")(
        np.ones((1, 1, 2, 2), "float32")))
    np.testing.assert_array_equal(out[0, 0], [[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0]])
    with pytest.raises(ConfigError, match="padding"):
        layers.ZeroPadding2D((1, 2, 3))


def test_cropping_cuts_each_end_and_refuses_to_leave_nothing():
    x = np.arange(24, dtype="float32").reshape(1, 6, 4, 1)
    out = np.asarray(layers.Cropping2D(((1, 2), (0, 1)))(x))
    np.testing.assert_array_equal(out[0, :, :, 0], x[0, 1:4, 0:3, 0])
    assert layers.Cropping1D((1, 2))(np.ones((2, 6, 3), "float32")).shape == (2, 3, 3)
    assert "data_format" not in layers.Cropping1D().get_config()
    with pytest.raises(ShapeError, match="leaves nothing"):
        layers.Cropping2D(2)(np.ones((1, 4, 8, 1), "float32"))


def test_upsampling_nearest_repeats_and_bilinear_interpolates_with_half_pixel_centres():
    x = np.array([1.0, 2.0], "float32").reshape(1, 1, 2, 1)
    nearest = np.asarray(layers.UpSampling2D((1, 2))(x)).ravel()
    bilinear = np.asarray(layers.UpSampling2D((1, 2), interpolation="bilinear")(x)).ravel()
    np.testing.assert_array_equal(nearest, [1, 1, 2, 2])
    np.testing.assert_allclose(bilinear, [1.0, 1.25, 1.75, 2.0])  # as Keras's (and TF's) bilinear resize
    assert layers.UpSampling1D(3).get_config()["size"] == 3
    assert layers.UpSampling3D(2)(np.ones((1, 2, 2, 2, 1), "float32")).shape == (1, 4, 4, 4, 1)
    with pytest.raises(ConfigError, match="interpolation"):
        layers.UpSampling2D(interpolation="lanczos9")


def test_pooling_on_inputs_of_the_wrong_rank_names_the_layer_and_the_fix():
    with pytest.raises(ShapeError, match=r"MaxPooling2D '.*' expects inputs of rank 4 .* Add a channel axis"):
        layers.MaxPooling2D()(np.ones((2, 8, 8), "float32"))
    with pytest.raises(ShapeError, match="Inputs of rank 5 fit GlobalAveragePooling3D"):
        layers.GlobalAveragePooling2D()(np.ones((2, 8, 8, 8, 1), "float32"))
