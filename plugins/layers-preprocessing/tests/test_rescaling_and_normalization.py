"""Rescaling and Normalization against NumPy: values, adapt over arrays and batches, invert, weights, errors."""

import numpy as np
import pytest
from kcore_layers_preprocessing.normalization import Normalization
from kcore_layers_preprocessing.rescaling import Rescaling

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.testing import check_gradients

RNG = np.random.default_rng(0)


def test_rescaling_multiplies_and_offsets_integer_images_into_float32():
    images = RNG.integers(0, 256, size=(2, 4, 4, 3)).astype("uint8")
    out = Rescaling(1 / 127.5, offset=-1)(images)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, images.astype(np.float64) / 127.5 - 1, rtol=1e-6, atol=1e-6)


def test_rescaling_takes_one_scale_per_channel():
    x = np.ones((2, 3, 3, 3), "float32")
    np.testing.assert_allclose(Rescaling([1.0, 2.0, 3.0], offset=[0.0, 0.0, 1.0])(x)[0, 0, 0], [1, 2, 4])


def test_rescaling_passes_gradients_scaled():
    layer = Rescaling(0.5, offset=2.0, dtype="float64")
    check_gradients(lambda x: layer(x), [RNG.standard_normal((2, 3, 4))])


def test_normalization_adapted_on_an_array_standardizes_each_feature():
    data = RNG.normal(3.0, 2.0, size=(50, 4)).astype("float32")
    layer = Normalization()
    layer.adapt(data)
    expected = (data - data.mean(0)) / data.std(0)
    np.testing.assert_allclose(layer(data), expected, rtol=1e-4, atol=1e-5)
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]
    assert layer.trainable_weights == [] and [w.shape for w in layer.weights] == [(4,), (4,), ()]


def test_normalization_adapted_over_batches_equals_the_whole_array():
    images = RNG.uniform(0, 255, size=(30, 5, 5, 3)).astype("float32")
    whole = Normalization()
    whole.adapt(images)
    batched = Normalization()
    batched.adapt(iter([images[:7], images[7:20], images[20:]]))
    np.testing.assert_allclose(batched.adapt_mean.numpy(), images.reshape(-1, 3).mean(0), rtol=1e-5)
    np.testing.assert_allclose(batched.adapt_variance.numpy(), images.reshape(-1, 3).var(0), rtol=1e-4)
    np.testing.assert_allclose(batched(images), whole(images), rtol=1e-4, atol=1e-5)
    with_labels = Normalization()
    with_labels.adapt([(images[:10], np.zeros(10)), (images[10:], np.zeros(20))])  # (x, y) batches
    np.testing.assert_allclose(with_labels.adapt_mean.numpy(), whole.adapt_mean.numpy(), rtol=1e-5)


def test_normalization_axis_none_uses_one_mean_as_keras_documents():
    layer = Normalization(axis=None)
    layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], "float32"))
    np.testing.assert_allclose(layer(np.array([1.0, 2.0, 3.0], "float32")), [-1.4142135, -0.70710677, 0.0],
                               rtol=1e-6)


def test_normalization_with_given_mean_and_variance_and_its_inverse():
    x = RNG.standard_normal((4, 3)).astype("float32")
    mean, variance = [1.0, 2.0, 3.0], [4.0, 0.25, 1.0]
    out = Normalization(mean=mean, variance=variance)(x)
    np.testing.assert_allclose(out, (x - np.array(mean)) / np.sqrt(variance), rtol=1e-6)
    back = Normalization(mean=mean, variance=variance, invert=True)(out)
    np.testing.assert_allclose(back, x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(Normalization(mean=3.0, variance=2.0)(np.array([[1.0], [3.0]], "float32")),
                               [[-1.4142135], [0.0]], rtol=1e-6)


def test_normalization_divides_by_epsilon_where_the_variance_is_zero():
    layer = Normalization(mean=[1.0], variance=[0.0])
    out = layer(np.array([[1.0], [1.5]], "float32"))
    assert np.all(np.isfinite(out)) and out[0, 0] == 0 and out[1, 0] > 1e3


def test_normalization_gradient_is_one_over_the_standard_deviation():
    layer = Normalization(mean=[0.5, -1.0], variance=[4.0, 9.0], dtype="float64")
    check_gradients(lambda x: layer(x), [RNG.standard_normal((3, 2))])


def test_normalization_config_round_trips():
    layer = Normalization(axis=(1, 2), mean=1.0, variance=2.0, invert=True)
    clone = Normalization.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert layer.get_config()["axis"] == [1, 2]


def test_bad_arguments_name_the_layer_the_value_and_the_fix():
    with pytest.raises(ConfigError, match=r"Normalization .*both `mean` and `variance`.*mean=1\.0"):
        Normalization(mean=1.0)
    with pytest.raises(ConfigError, match=r"Rescaling .*`scale`.*scale='a'"):
        Rescaling("a")
    layer = Normalization(axis=3)
    with pytest.raises(ShapeError, match=r"Normalization .*axis=\(3,\).*rank 2"):
        layer(np.ones((2, 3), "float32"))
    adapted = Normalization()
    adapted.adapt(np.ones((4, 3), "float32"))
    with pytest.raises(ShapeError, match=r"built for inputs \(4, 3\).*\(2, 5\)"):
        adapted.adapt(np.ones((2, 5), "float32"))


def test_normalization_output_is_float32_for_integer_inputs():
    layer = Normalization(mean=1.0, variance=1.0)
    out = layer(np.array([[1, 2]], "int32"))
    assert ops.convert_to_numpy(out).dtype == np.float32
