"""AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D: values against loops over Keras 3's bins,
shapes in both layouts, gradients, configs and bad arguments. (Finite-difference gradients: the conformance
cases, run by tests/test_layer_conformance.py -k Adaptive.)"""

import itertools
import json
import math

import numpy as np
import pytest
from kcore_layers_conv.layers.pooling.base_adaptive_pooling import adaptive_bins

import kcore
from kcore import layers
from kcore.autodiff import GradientTape
from kcore.errors import ConfigError, ShapeError

CLASSES = {(mode, rank): getattr(layers, f"Adaptive{mode}Pooling{rank}D")
           for mode in ("Average", "Max") for rank in (1, 2, 3)}


def reference(x, output_size, mode, data_format="channels_last"):
    """Keras 3's adaptive pooling written out: bin i of an axis of length L is [floor(i*L/out), ceil((i+1)*L/out)),
    and each output position reduces the product of its bins, one output position at a time (in float64)."""
    x = np.asarray(x, "float64")
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    lengths = x.shape[1:-1]
    out = np.zeros((x.shape[0], *output_size, x.shape[-1]))
    reduce = np.mean if mode == "Average" else np.max
    for index in itertools.product(*(range(n) for n in output_size)):
        region = (slice(None),)
        for i, n, length in zip(index, output_size, lengths, strict=True):
            region += (slice(math.floor(i * length / n), math.ceil((i + 1) * length / n)),)
        out[(slice(None), *index)] = reduce(x[region], axis=tuple(range(1, 1 + len(index))))
    return np.moveaxis(out, -1, 1) if data_format == "channels_first" else out


# (input spatial shape, output_size): dividing evenly, not (overlapping bins), output larger than input, mixed
SIZES = {
    1: [((8,), 4), ((7,), 3), ((3,), 5), ((5,), 1), ((6,), 6)],
    2: [((8, 6), 2), ((7, 5), (3, 2)), ((3, 2), (5, 4)), ((10, 3), (4, 7)), ((5, 5), 1)],
    3: [((4, 4, 4), 2), ((5, 3, 7), (2, 3, 4)), ((2, 3, 2), (3, 5, 4))],
}
VALUE_CASES = [(mode, rank, spatial, size, fmt) for mode in ("Average", "Max") for rank, sizes in SIZES.items()
               for spatial, size in sizes for fmt in ("channels_last", "channels_first")]


@pytest.mark.parametrize(("mode", "rank", "spatial", "output_size", "data_format"), VALUE_CASES)
def test_adaptive_pooling_matches_loops_over_the_bins(mode, rank, spatial, output_size, data_format):
    channels = 3
    shape = (2, *spatial, channels) if data_format == "channels_last" else (2, channels, *spatial)
    x = np.random.default_rng(rank).standard_normal(shape).astype("float32")
    out = CLASSES[mode, rank](output_size, data_format=data_format)(x)
    sizes = (output_size,) * rank if isinstance(output_size, int) else output_size
    expected = reference(x, sizes, mode, data_format)
    assert out.dtype == np.float32 and out.shape == expected.shape
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5, atol=1e-6)


def test_bins_overlap_when_the_length_does_not_divide_and_repeat_when_there_are_more_bins_than_positions():
    x = np.array([1, 2, 3, 4, 5], "float32").reshape(1, 5, 1)  # bins [0, 2), [1, 4), [3, 5)
    np.testing.assert_allclose(np.asarray(layers.AdaptiveAveragePooling1D(3)(x)).ravel(), [1.5, 3.0, 4.5])
    np.testing.assert_array_equal(np.asarray(layers.AdaptiveMaxPooling1D(3)(x)).ravel(), [2, 4, 5])
    x = np.array([1, 3], "float32").reshape(1, 2, 1)  # bins [0, 1), [0, 2), [1, 2)
    np.testing.assert_allclose(np.asarray(layers.AdaptiveAveragePooling1D(3)(x)).ravel(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(np.asarray(layers.AdaptiveMaxPooling1D(3)(x)).ravel(), [1, 3, 3])


@pytest.mark.parametrize(("length", "out"), [(n, k) for n in range(1, 30) for k in range(1, 12)])
def test_bins_are_keras_floor_and_ceil_bounds(length, out):
    expected = tuple((math.floor(i * length / out), math.ceil((i + 1) * length / out)) for i in range(out))
    assert adaptive_bins(length, out) == expected


def test_one_bin_is_global_pooling_and_as_many_bins_as_positions_is_the_identity():
    x = np.random.default_rng(1).standard_normal((2, 5, 6, 4)).astype("float32")
    np.testing.assert_allclose(layers.AdaptiveAveragePooling2D(1)(x), x.mean(axis=(1, 2), keepdims=True), rtol=1e-6)
    np.testing.assert_array_equal(layers.AdaptiveMaxPooling2D(1)(x), x.max(axis=(1, 2), keepdims=True))
    np.testing.assert_array_equal(layers.AdaptiveAveragePooling2D((5, 6))(x), x)
    np.testing.assert_array_equal(layers.AdaptiveMaxPooling2D((5, 6))(x), x)


@pytest.mark.parametrize("mode", ["Average", "Max"])
@pytest.mark.parametrize(("rank", "input_shape", "data_format", "expected"), [
    (1, (None, 10, 3), "channels_last", (None, 4, 3)),
    (1, (None, 3, None), "channels_first", (None, 3, 4)),
    (2, (None, None, None, 3), "channels_last", (None, 4, 4, 3)),
    (2, (8, 3, 32, 32), "channels_first", (8, 3, 4, 4)),
    (3, (None, 7, 8, 9, 2), "channels_last", (None, 4, 4, 4, 2)),
    (3, (1, 2, 3, 3, 3), "channels_first", (1, 2, 4, 4, 4)),
])
def test_output_shape_is_the_output_size_in_either_layout(mode, rank, input_shape, data_format, expected):
    layer = CLASSES[mode, rank](4, data_format=data_format)
    assert layer.compute_output_shape(input_shape) == expected


def test_a_model_infers_the_output_shape_from_any_input_size():
    model = kcore.Sequential([layers.Input(shape=(9, 11, 2)), layers.AdaptiveAveragePooling2D((3, 2)),
                              layers.Flatten()])
    assert model.output_shape == (None, 12)
    assert model.predict(np.ones((3, 9, 11, 2), "float32"), verbose=0).shape == (3, 12)


def _input_gradient(layer, x):
    with GradientTape() as tape:
        watched = tape.watch(x)
        out = layer(watched)
    return np.asarray(tape.gradient(out, watched))


def test_average_gradient_spreads_each_bin_over_its_positions():
    x = np.random.default_rng(2).standard_normal((1, 5, 1)).astype("float32")
    grad = _input_gradient(layers.AdaptiveAveragePooling1D(3), x).ravel()
    # bins [0, 2), [1, 4), [3, 5): position 1 is in two bins (1/2 + 1/3), position 3 too (1/3 + 1/2)
    np.testing.assert_allclose(grad, [1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2], rtol=1e-6)


def test_max_gradient_goes_to_the_maximum_of_each_bin_in_either_layout():
    x = np.array([[0.0, 9.0, 1.0], [2.0, 3.0, 8.0], [7.0, 4.0, 5.0], [6.0, 0.5, 0.25]], "float32")
    # rows bins [0, 2), [2, 4); cols bins [0, 2), [1, 3): maxima 9 (twice: the bins overlap), 9, 7, 5
    expected = np.zeros((4, 3))
    expected[0, 1], expected[2, 0], expected[2, 2] = 2, 1, 1
    grad = _input_gradient(layers.AdaptiveMaxPooling2D(2), x.reshape(1, 4, 3, 1))
    np.testing.assert_array_equal(grad.reshape(4, 3), expected)
    grad = _input_gradient(layers.AdaptiveMaxPooling2D(2, data_format="channels_first"), x.reshape(1, 1, 4, 3))
    np.testing.assert_array_equal(grad.reshape(4, 3), expected)


@pytest.mark.parametrize(("mode", "rank"), list(CLASSES))
def test_config_has_keras_keys_and_survives_a_trip_through_json(mode, rank):
    cls = CLASSES[mode, rank]
    layer = cls(3, data_format="channels_first", name="pool")
    config = layer.get_config()
    assert config == {"name": "pool", "trainable": True, "dtype": "float32", "output_size": (3,) * rank,
                      "data_format": "channels_first"}
    restored = cls.from_config(json.loads(json.dumps(config)))
    assert restored.output_size == (3,) * rank and restored.data_format == "channels_first"
    assert json.loads(json.dumps(restored.get_config())) == json.loads(json.dumps(config))


def test_output_size_takes_a_tuple_or_a_list_and_data_format_defaults_to_the_config():
    layer = layers.AdaptiveMaxPooling3D([2, 3, 4])
    assert layer.output_size == (2, 3, 4) and layer.data_format == "channels_last"


@pytest.mark.parametrize("output_size", [0, -1, (2,), (2, 2, 2), (2, 0), "2", 2.5, True, None])
def test_bad_output_size_is_refused_with_the_argument_named(output_size):
    with pytest.raises(ConfigError, match="output_size"):
        layers.AdaptiveAveragePooling2D(output_size)


def test_bad_data_format_and_a_missing_output_size_are_refused():
    with pytest.raises(ConfigError, match="data_format"):
        layers.AdaptiveMaxPooling1D(2, data_format="NCW")
    with pytest.raises(TypeError):
        layers.AdaptiveAveragePooling2D()


def test_inputs_of_the_wrong_rank_name_the_layer_and_the_fix():
    with pytest.raises(ShapeError, match=r"AdaptiveAveragePooling2D .*rank 4.*Add a channel axis"):
        layers.AdaptiveAveragePooling2D(2)(np.ones((2, 8, 8), "float32"))
    with pytest.raises(ShapeError, match="AdaptiveMaxPooling3D"):
        layers.AdaptiveMaxPooling2D(2)(np.ones((2, 4, 4, 4, 1), "float32"))


def test_an_empty_spatial_axis_is_refused():
    with pytest.raises(ShapeError, match="empty spatial axis"):
        layers.AdaptiveMaxPooling1D(2)(np.ones((2, 0, 3), "float32"))


def test_integer_images_are_cast_to_the_layer_dtype():
    x = np.arange(2 * 5 * 5 * 1, dtype="uint8").reshape(2, 5, 5, 1)
    out = layers.AdaptiveAveragePooling2D(2)(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out), reference(x, (2, 2), "Average"), rtol=1e-6)


def test_kcore_layers_resolve_the_names_to_this_distribution():
    from kcore_layers_conv.layers import LAYERS

    for (mode, rank), cls in CLASSES.items():
        assert LAYERS[f"Adaptive{mode}Pooling{rank}D"] is cls
