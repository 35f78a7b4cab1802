"""The random image layers: identity at inference, repeatable under a seed, shapes, colour layers, errors,
configs, and the layers inside saved and trained models."""

import numpy as np
import pytest
from kcore_layers_preprocessing.plugin import image_components
from kcore_layers_preprocessing.random_brightness import RandomBrightness
from kcore_layers_preprocessing.random_contrast import RandomContrast
from kcore_layers_preprocessing.random_flip import RandomFlip
from kcore_layers_preprocessing.random_rotation import RandomRotation
from kcore_layers_preprocessing.random_translation import RandomTranslation
from kcore_layers_preprocessing.random_zoom import RandomZoom

import kcore
from kcore import layers
from kcore.errors import ConfigError, ShapeError

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, size=(4, 6, 6, 3)).astype("float32")
RANDOM = {"RandomFlip": {}, "RandomRotation": {"factor": 0.2}, "RandomZoom": {"height_factor": 0.3},
          "RandomTranslation": {"height_factor": 0.2, "width_factor": 0.3}, "RandomContrast": {"factor": 0.5},
          "RandomBrightness": {"factor": 0.3}}
ALL = {**RANDOM, "Rescaling": {"scale": 0.5, "offset": 1.0}, "Normalization": {"mean": 1.0, "variance": 4.0},
       "Resizing": {"height": 3, "width": 4}, "CenterCrop": {"height": 3, "width": 4},
       "RandomCrop": {"height": 3, "width": 4, "seed": 2}}


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random_layers_are_the_identity_at_inference_and_random_in_training(name):
    layer = image_components()[name](**RANDOM[name])
    np.testing.assert_array_equal(layer(IMAGES, training=False), IMAGES)
    np.testing.assert_array_equal(kcore.Sequential([layer]).predict(IMAGES, verbose=0), IMAGES)
    # called directly, with no training flag from an outer call, they augment: their `call` defaults to
    # training=True, as Keras 3's do (tutorials show augmented samples this way)
    # (a draw may leave a batch unchanged, e.g. no image flipped: one of several calls must change it)
    assert any(not np.array_equal(layer(IMAGES), IMAGES) for _ in range(8))
    assert any(not np.array_equal(kcore.Sequential([layer])(IMAGES), IMAGES) for _ in range(8))
    draws = [np.asarray(layer(IMAGES, training=True)) for _ in range(8)]
    assert all(d.shape == IMAGES.shape and d.dtype == np.float32 for d in draws)
    assert any(not np.array_equal(d, IMAGES) for d in draws)
    assert any(not np.array_equal(d, draws[0]) for d in draws[1:])  # each call draws anew


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random_layers_repeat_under_a_seed(name):
    cls = image_components()[name]
    kcore.utils.set_random_seed(5)
    runs = [np.asarray(cls(**RANDOM[name])(IMAGES, training=True))]
    kcore.utils.set_random_seed(5)
    runs.append(np.asarray(cls(**RANDOM[name])(IMAGES, training=True)))
    np.testing.assert_array_equal(*runs)
    seeded = [np.asarray(cls(**RANDOM[name], seed=11)(IMAGES, training=True)) for _ in range(2)]
    np.testing.assert_array_equal(*seeded)


@pytest.mark.parametrize("name", sorted(ALL))
def test_layers_take_a_single_image_or_a_batch_and_infer_their_shapes(name):
    cls = image_components()[name]
    out = np.asarray(cls(**ALL[name])(IMAGES, training=True))
    single = np.asarray(cls(**ALL[name])(IMAGES[0], training=True))
    assert single.shape == out.shape[1:]
    symbolic = cls(**ALL[name])(layers.Input((6, 6, 3)))
    assert tuple(symbolic.shape) == (None, *out.shape[1:])


@pytest.mark.parametrize("name", sorted(ALL))
def test_configs_round_trip(name):
    layer = image_components()[name](**ALL[name])
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    np.testing.assert_allclose(clone(IMAGES, training=False), layer(IMAGES, training=False), rtol=1e-6)


def test_random_layers_keep_the_channels_first_layout():
    first = IMAGES.transpose(0, 3, 1, 2)
    for name in sorted(RANDOM):
        layer = image_components()[name](**RANDOM[name], seed=4, data_format="channels_first")
        twin = image_components()[name](**RANDOM[name], seed=4)
        np.testing.assert_allclose(layer(first, training=True),
                                   np.asarray(twin(IMAGES, training=True)).transpose(0, 3, 1, 2),
                                   rtol=1e-5, atol=1e-4, err_msg=name)
        assert layer.get_config()["data_format"] == "channels_first"


def test_brightness_adds_one_amount_per_image_scaled_to_the_range_and_clips():
    out = np.asarray(RandomBrightness(0.5, seed=0)(IMAGES, training=True))
    for o, i in zip(out, IMAGES, strict=True):
        inside = (o > 0) & (o < 255)
        delta = (o - i)[inside]
        assert np.ptp(delta) < 1e-3 and abs(delta[0]) <= 0.5 * 255 + 1e-3
        np.testing.assert_allclose(o, np.clip(i + delta[0], 0, 255), atol=1e-3)


def test_contrast_scales_each_channel_about_its_mean_by_one_factor_per_image():
    images = RNG.uniform(0.3, 0.7, size=(5, 4, 4, 3)).astype("float32")
    out = np.asarray(RandomContrast(0.4, value_range=(0, 1), seed=0)(images, training=True))
    mean = images.mean(axis=(1, 2), keepdims=True)
    factors = ((out - mean) / (images - mean)).reshape(5, -1)
    assert np.all(np.ptp(factors, axis=1) < 1e-3) and np.all((factors >= 0.6 - 1e-4) & (factors <= 1.4 + 1e-4))


@pytest.mark.parametrize(("make", "pattern"), [
    (lambda: RandomRotation(1.5), r"RandomRotation .*`factor`.*\[-1.0, 1.0\].*factor=1.5.*fraction"),
    (lambda: RandomZoom(-1.0), r"RandomZoom .*`height_factor`.*\(-1.0, 1.0\].*height_factor=-1.0"),
    (lambda: RandomTranslation(0.1, (0.1, 0.2, 0.3)), r"RandomTranslation .*`width_factor`.*pair"),
    (lambda: RandomContrast(-0.2), r"RandomContrast .*`factor`.*\[0.0, 1.0\].*factor=-0.2"),
    (lambda: RandomBrightness(0.2, value_range=5), r"RandomBrightness .*`value_range`.*pair.*value_range=5"),
    (lambda: RandomFlip("diagonal"), r"RandomFlip .*`mode`.*'horizontal'.*mode='diagonal'"),
    (lambda: RandomRotation(0.1, fill_mode="mirror"), r"`fill_mode` must be one of .*fill_mode='mirror'"),
    (lambda: layers.Resizing(0, 4), r"Resizing .*`height` must be a positive int.*height=0"),
])
def test_bad_arguments_name_the_layer_the_value_and_the_fix(make, pattern):
    with pytest.raises(ConfigError, match=pattern):
        make()


def test_inputs_of_the_wrong_rank_are_refused_with_the_fix():
    with pytest.raises(ShapeError, match=r"RandomFlip '.*'.*rank 4.*rank 3.*\(28, 28\).*x\[\.\.\., None\]"):
        RandomFlip()(np.zeros((28, 28), "float32"), training=True)
    with pytest.raises(ShapeError, match=r"Resizing .*\(2, 3, 4, 5, 6\)"):
        layers.Resizing(2, 2)(np.zeros((2, 3, 4, 5, 6), "float32"))


def test_a_model_with_the_layers_saves_and_loads_as_keras_file(tmp_path):
    norm = layers.Normalization()
    norm.adapt(IMAGES)
    model = kcore.Sequential([layers.Input((6, 6, 3)), layers.RandomFlip("horizontal"),
                              layers.RandomRotation(0.1, fill_mode="constant"), layers.Rescaling(1 / 255), norm,
                              layers.Resizing(4, 4, interpolation="bicubic"), layers.CenterCrop(3, 3)])
    expected = np.asarray(model(IMAGES, training=False))
    model.save(tmp_path / "augment.keras")
    loaded = kcore.saving.load_model(tmp_path / "augment.keras")
    np.testing.assert_allclose(loaded(IMAGES, training=False), expected, rtol=1e-6)
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]
    np.testing.assert_allclose(loaded.layers[3].adapt_mean.numpy(), IMAGES.reshape(-1, 3).mean(0), rtol=1e-5)


def test_the_keras_io_image_classification_head_trains_with_fit():
    kcore.utils.set_random_seed(0)
    x = RNG.integers(0, 256, size=(32, 32, 32, 3)).astype("float32")
    y = (x[:, :, :, 0].mean(axis=(1, 2)) > 127).astype("int32")
    inputs = layers.Input((32, 32, 3))
    h = layers.RandomFlip("horizontal")(inputs)
    h = layers.RandomRotation(0.1)(h)
    h = layers.Rescaling(1.0 / 255)(h)
    h = layers.Conv2D(8, 3, strides=2, activation="relu")(h)
    h = layers.GlobalAveragePooling2D()(h)
    outputs = layers.Dense(2, activation="softmax")(h)
    model = kcore.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert model.predict(x[:4], verbose=0).shape == (4, 2)


def test_fit_calls_the_augmentation_in_training_mode_and_predict_does_not():
    seen = []

    class Spy(RandomFlip):
        def call(self, inputs, training=False):
            seen.append(training)
            return super().call(inputs, training)

    inputs = layers.Input((4, 4, 1))
    model = kcore.Model(inputs, layers.Dense(1)(layers.Flatten()(Spy("horizontal")(inputs))))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 4, 4, 1), "float32"), np.ones((8, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    model.predict(np.ones((2, 4, 4, 1), "float32"), verbose=0)
    assert seen == [True, True, False]
