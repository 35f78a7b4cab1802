"""The convolution layers: Keras 3's weights, configs and shapes, their errors, and every LayerCase of the
distribution through kcore's conformance test (gradients of inputs and weights against finite differences)."""

import numpy as np
import pytest
from kcore_layers_conv.cases import LAYER_CASES

import kcore
from kcore import layers, ops
from kcore.errors import ConfigError, ShapeError
from kcore.testing import check_layer_case

CASE_IDS = [f"{case.layer}-{i}" for i, case in enumerate(LAYER_CASES)]


@pytest.mark.parametrize("case", LAYER_CASES, ids=CASE_IDS)
def test_layer_passes_the_conformance_test(case):
    check_layer_case(case)


def test_conv2d_creates_keras_weights_and_adds_bias_then_activation():
    layer = layers.Conv2D(4, 3, activation="relu", bias_initializer="ones")
    x = np.random.default_rng(0).standard_normal((2, 6, 6, 3)).astype("float32")
    out = layer(x)
    assert [(w.name, w.shape) for w in layer.weights] == [("kernel", (3, 3, 3, 4)), ("bias", (4,))]
    expected = np.maximum(ops.conv(x, layer.kernel.numpy()) + 1.0, 0.0)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert out.dtype == np.float32


def test_conv2d_config_has_keras_3_keys_and_values():
    config = layers.Conv2D(8, (3, 5), strides=2, padding="SAME", groups=2, name="c").get_config()
    assert set(config) == {"name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding",
                           "data_format", "dilation_rate", "groups", "activation", "use_bias", "kernel_initializer",
                           "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                           "kernel_constraint", "bias_constraint"}
    assert (config["kernel_size"], config["strides"], config["padding"]) == ((3, 5), (2, 2), "same")
    assert config["data_format"] == "channels_last" and config["activation"] == "linear"
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"


def test_the_transposed_depthwise_and_separable_kernels_have_keras_layouts():
    x = np.ones((1, 5, 5, 3), "float32")
    transpose = layers.Conv2DTranspose(8, 3)
    depthwise = layers.DepthwiseConv2D(3, depth_multiplier=2)
    separable = layers.SeparableConv2D(6, 3, depth_multiplier=2)
    assert transpose(x).shape == (1, 7, 7, 8) and transpose.kernel.shape == (3, 3, 8, 3)
    assert depthwise(x).shape == (1, 3, 3, 6) and depthwise.kernel.shape == (3, 3, 3, 2)
    assert separable(x).shape == (1, 3, 3, 6)
    assert [w.name for w in separable.weights] == ["depthwise_kernel", "pointwise_kernel", "bias"]
    assert separable.pointwise_kernel.shape == (1, 1, 6, 6)
    assert "output_padding" in transpose.get_config() and "groups" not in transpose.get_config()
    assert "depthwise_initializer" in depthwise.get_config() and "depth_multiplier" in separable.get_config()


def test_depthwise_conv_filters_each_channel_on_its_own():
    x = np.random.default_rng(1).standard_normal((2, 6, 6, 3)).astype("float32")
    layer = layers.DepthwiseConv2D(3, depth_multiplier=2, use_bias=False)
    out = np.asarray(layer(x))
    kernel = layer.kernel.numpy()
    for c in range(3):
        alone = ops.conv(x[..., c:c + 1], kernel[:, :, c:c + 1, :])
        np.testing.assert_allclose(out[..., 2 * c:2 * c + 2], alone, rtol=1e-5, atol=1e-6)


def test_conv2d_on_images_without_a_channel_axis_says_how_to_add_one():
    layer = layers.Conv2D(32, 3, name="conv2d_1")
    expected = ("Conv2D 'conv2d_1' expects inputs of rank 4 (batch, rows, cols, channels); received shape "
                "(32, 28, 28). Add a channel axis, e.g. x[..., None].")
    with pytest.raises(ShapeError) as error:
        layer(np.ones((32, 28, 28), "float32"))
    assert str(error.value) == expected


def test_the_rank_error_comes_at_model_construction_too():
    with pytest.raises(ShapeError, match=r"expects inputs of rank 4 \(batch, rows, cols, channels\); received "
                                         r"shape \(None, 28, 28\)\. Add a channel axis"):
        kcore.Sequential([layers.Input(shape=(28, 28)), layers.Conv2D(32, 3)])


def test_a_volume_given_to_conv2d_is_pointed_to_conv3d():
    with pytest.raises(ShapeError, match="Inputs of rank 5 fit Conv3D"):
        layers.Conv2D(2, 3)(np.ones((1, 4, 4, 4, 1), "float32"))


def test_bad_arguments_name_the_layer_and_the_value():
    with pytest.raises(ConfigError, match=r"Conv2D '.*': `filters` must be a positive integer.*filters=0"):
        layers.Conv2D(0, 3)
    with pytest.raises(ConfigError, match=r"`kernel_size` must be an int or a tuple of 2 ints.*\(3, 3, 3\)"):
        layers.Conv2D(4, (3, 3, 3))
    with pytest.raises(ConfigError, match="causal"):
        layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ConfigError, match="divisible by `groups`"):
        layers.Conv2D(5, 3, groups=2)
    with pytest.raises(ConfigError, match="output_padding"):
        layers.Conv2DTranspose(4, 3, strides=2, output_padding=2)


def test_a_window_larger_than_the_input_is_refused_before_weights_are_made():
    layer = layers.Conv2D(4, 5)
    with pytest.raises(ShapeError, match="does not fit"):
        layer(np.ones((1, 3, 3, 1), "float32"))
    assert not layer.weights


def test_inputs_with_other_channels_than_at_build_are_refused():
    layer = layers.Conv1D(2, 3)
    layer(np.ones((1, 5, 3), "float32"))
    with pytest.raises(ShapeError, match="built for inputs with 3 channels"):
        layer(np.ones((1, 5, 4), "float32"))


def test_output_shapes_are_inferred_without_running_the_layer_and_keep_unknown_lengths():
    assert layers.Conv2D(8, 3, strides=2, padding="same").compute_output_shape((None, 28, None, 3)) == \
        (None, 14, None, 8)
    assert layers.Conv1D(4, 3, padding="causal", data_format="channels_first").compute_output_shape(
        (2, 5, 10)) == (2, 4, 10)
    assert layers.Conv2DTranspose(4, 3, strides=2).compute_output_shape((None, 7, 7, 2)) == (None, 15, 15, 4)
    assert layers.Conv3DTranspose(4, 2, strides=2, padding="same").compute_output_shape(
        (None, 3, 3, 3, 1)) == (None, 6, 6, 6, 4)


def test_data_format_defaults_to_the_configured_image_data_format(monkeypatch):
    from kcore import config

    monkeypatch.setattr(config, "image_data_format", lambda: "channels_first")
    layer = layers.Conv2D(4, 3)
    assert layer.data_format == "channels_first"
    assert layer(np.ones((1, 2, 5, 5), "float32")).shape == (1, 4, 3, 3)


def test_integer_images_are_cast_to_the_layer_dtype():
    out = layers.Conv2D(2, 3)(np.ones((1, 5, 5, 1), "uint8"))
    assert out.dtype == np.float32


@pytest.mark.parametrize("case", LAYER_CASES, ids=CASE_IDS)
def test_config_survives_a_trip_through_json_as_in_a_saved_model(case):
    import json

    cls = getattr(kcore.layers, case.layer)
    config = cls(**case.kwargs).get_config()
    assert json.loads(json.dumps(cls.from_config(json.loads(json.dumps(config))).get_config())) == \
        json.loads(json.dumps(config))


def test_a_model_of_these_layers_saves_and_loads_with_the_same_predictions(tmp_path):
    model = kcore.Sequential([
        layers.Input(shape=(8, 8, 2)), layers.Conv2D(4, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2), layers.ZeroPadding2D(((1, 0), (0, 1))), layers.SeparableConv2D(3, 2),
        layers.Conv2DTranspose(2, 2, strides=2), layers.UpSampling2D(interpolation="bilinear"),
        layers.Cropping2D(1), layers.GlobalAveragePooling2D(), layers.Dense(2)])
    x = np.random.default_rng(3).standard_normal((2, 8, 8, 2)).astype("float32")
    model.save(tmp_path / "convnet.keras")
    loaded = kcore.saving.load_model(tmp_path / "convnet.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("activation", ["relu", "linear", "sigmoid"])
def test_inference_tail_in_place_equals_the_recorded_ops(data_format, activation):
    """Without a tape the bias and activation are applied in place on the convolution's output; under one
    they are recorded ops. Both must give the same values, in both layouts."""
    x = np.random.default_rng(0).normal(size=(2, 3, 7, 6)).astype("float32")
    layer = kcore.layers.Conv2D(4, 3, activation=activation, data_format=data_format,
                                bias_initializer="random_normal")
    inference = np.asarray(layer(x))
    with kcore.GradientTape() as tape:
        tape.watch(layer.trainable_variables)
        recorded = layer(x)
    np.testing.assert_array_equal(inference, np.asarray(recorded.value))
