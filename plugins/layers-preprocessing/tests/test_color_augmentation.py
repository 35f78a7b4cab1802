"""The colour layers (RandomGrayscale, RandomInvert, Solarization, RandomPosterization, AutoContrast,
RandomSaturation, RandomHue, RandomSharpness): their deterministic parts against NumPy and `colorsys`
references written here, the ranges of their random draws, seeds, channels_first, configs and errors."""

import colorsys
import random

import numpy as np
import pytest
from kcore_layers_preprocessing.auto_contrast import AutoContrast
from kcore_layers_preprocessing.plugin import image_components
from kcore_layers_preprocessing.random_grayscale import RandomGrayscale
from kcore_layers_preprocessing.random_hue import RandomHue
from kcore_layers_preprocessing.random_invert import RandomInvert
from kcore_layers_preprocessing.random_posterization import RandomPosterization
from kcore_layers_preprocessing.random_saturation import RandomSaturation
from kcore_layers_preprocessing.random_sharpness import RandomSharpness
from kcore_layers_preprocessing.solarization import Solarization

import kcore
from kcore import layers
from kcore.errors import ConfigError, ShapeError

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, size=(8, 5, 6, 3)).astype("float32")
UNIT = RNG.uniform(0, 1, size=(6, 4, 5, 3)).astype("float32")
RANDOM = {"RandomGrayscale": {"factor": 0.5}, "RandomInvert": {}, "Solarization": {"threshold_factor": 0.5},
          "RandomPosterization": {"factor": (2, 5)}, "RandomSaturation": {"factor": (0.2, 0.9)},
          "RandomHue": {"factor": 0.6}, "RandomSharpness": {"factor": 0.8}}
ALL = {**RANDOM, "AutoContrast": {}}


@pytest.fixture(autouse=True)
def _keep_the_global_random_state():
    """Put back the global random state that `set_random_seed` replaces here: the other test files' unseeded
    draws should not start from this file's fixed seed."""
    python, numpy, kcore_global = random.getstate(), np.random.get_state(), kcore.random.global_seed_generator()
    yield
    random.setstate(python)
    np.random.set_state(numpy)
    kcore.random._global = kcore_global  # set_global_seed takes a seed, not a generator


def luma(images):
    return np.repeat((images @ np.array([0.2989, 0.5870, 0.1140]))[..., None], 3, axis=-1)


def per_pixel(images, fn):
    """`fn(r, g, b) -> (r, g, b)` applied to every pixel (colorsys works one pixel at a time)."""
    flat = images.reshape(-1, 3).astype("float64")
    return np.array([fn(*pixel) for pixel in flat]).reshape(images.shape)


# -- what all of them share ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random_colour_layers_are_the_identity_at_inference_and_random_in_training(name):
    layer = image_components()[name](**RANDOM[name], seed=3)
    np.testing.assert_array_equal(layer(IMAGES, training=False), IMAGES)
    np.testing.assert_array_equal(kcore.Sequential([layer]).predict(IMAGES, verbose=0), IMAGES)
    first, second = (np.asarray(layer(IMAGES)) for _ in range(2))  # no flag: training=True, as in Keras
    assert first.shape == IMAGES.shape and first.dtype == np.float32
    assert not np.array_equal(first, IMAGES) and not np.array_equal(first, second)


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random_colour_layers_repeat_under_a_seed(name):
    cls = image_components()[name]
    runs = []
    for _ in range(2):
        kcore.utils.set_random_seed(5)
        runs.append(np.asarray(cls(**RANDOM[name])(IMAGES, training=True)))
    np.testing.assert_array_equal(*runs)
    seeded = [np.asarray(cls(**RANDOM[name], seed=11)(IMAGES, training=True)) for _ in range(2)]
    np.testing.assert_array_equal(*seeded)


@pytest.mark.parametrize("name", sorted(ALL))
def test_colour_layers_keep_the_channels_first_layout_and_take_one_image(name):
    cls = image_components()[name]
    first = cls(**ALL[name], seed=4, data_format="channels_first") if name in RANDOM else \
        cls(**ALL[name], data_format="channels_first")
    last = cls(**ALL[name], seed=4) if name in RANDOM else cls(**ALL[name])
    expected = np.asarray(last(IMAGES, training=True))
    np.testing.assert_allclose(first(IMAGES.transpose(0, 3, 1, 2), training=True), expected.transpose(0, 3, 1, 2),
                               rtol=1e-5, atol=1e-3)
    assert np.asarray(cls(**ALL[name])(IMAGES[0], training=True)).shape == IMAGES.shape[1:]
    assert tuple(cls(**ALL[name])(layers.Input((5, 6, 3))).shape) == (None, 5, 6, 3)


@pytest.mark.parametrize("name", sorted(ALL))
def test_colour_layer_configs_round_trip_and_rebuild_the_same_layer(name):
    kwargs = {**ALL[name], "value_range": (0, 1)} if name != "RandomGrayscale" else ALL[name]
    layer = image_components()[name](**kwargs, **({"seed": 7} if name in RANDOM else {}))
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    np.testing.assert_array_equal(clone(UNIT, training=True), layer(UNIT, training=True))
    if name != "RandomGrayscale":
        assert config["value_range"] == [0.0, 1.0]


def test_layers_are_registered_with_kcore():
    for name in ALL:
        assert getattr(kcore.layers, name) is image_components()[name]


# -- RandomGrayscale ---------------------------------------------------------------------------------------


def test_grayscale_uses_the_luma_weights_in_every_channel():
    np.testing.assert_allclose(RandomGrayscale(1.0)(IMAGES, training=True), luma(IMAGES), rtol=1e-5)
    np.testing.assert_array_equal(RandomGrayscale(0.0)(IMAGES, training=True), IMAGES)
    gray = IMAGES[..., :1]
    np.testing.assert_array_equal(RandomGrayscale(1.0)(gray, training=True), gray)  # one channel: as it is


def test_grayscale_converts_a_factor_share_of_whole_images():
    images = RNG.uniform(0, 255, size=(2000, 1, 2, 3)).astype("float32")
    out = np.asarray(RandomGrayscale(0.3, seed=1)(images, training=True))
    converted = np.all(np.isclose(out, luma(images), rtol=1e-5), axis=(1, 2, 3))
    untouched = np.all(out == images, axis=(1, 2, 3))
    assert np.all(converted ^ untouched)
    assert abs(converted.mean() - 0.3) < 0.04


def test_grayscale_refuses_images_that_are_not_rgb():
    with pytest.raises(ShapeError, match=r"RandomGrayscale .*1 or 3 channels.*received 4"):
        RandomGrayscale(1.0)(np.zeros((1, 2, 2, 4), "float32"))


# -- RandomInvert ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value_range", [(0, 255), (0, 1), (-1, 1)])
def test_invert_maps_x_to_the_other_end_of_the_range(value_range):
    low, high = value_range
    images = RNG.uniform(low, high, size=(3, 4, 4, 3)).astype("float32")
    out = RandomInvert((1.0, 1.0), value_range=value_range)(images, training=True)
    np.testing.assert_allclose(out, low + high - images, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(RandomInvert(0.0, value_range=value_range)(images, training=True), images)


@pytest.mark.parametrize(("factor", "share"), [(1.0, 0.5), ((0.2, 0.2), 0.2), ((0.6, 1.0), 0.8), (0.4, 0.2)])
def test_invert_draws_the_probability_from_factor_per_image(factor, share):
    images = RNG.uniform(0, 255, size=(3000, 1, 1, 3)).astype("float32")
    out = np.asarray(RandomInvert(factor, seed=2)(images, training=True))
    inverted = np.all(np.isclose(out, 255 - images), axis=(1, 2, 3))
    assert np.all(inverted | np.all(out == images, axis=(1, 2, 3)))
    assert abs(inverted.mean() - share) < 0.035


# -- Solarization ------------------------------------------------------------------------------------------


def test_solarization_defaults_invert_every_pixel():
    np.testing.assert_allclose(Solarization()(IMAGES, training=True), 255 - IMAGES, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("value_range", [(0, 255), (0, 1), (-1, 1)])
def test_solarization_adds_then_inverts_the_pixels_above_the_threshold(value_range):
    low, high = value_range
    images = RNG.uniform(low, high, size=(3, 4, 4, 3)).astype("float32")
    out = Solarization(addition_factor=(0.1, 0.1), threshold_factor=(0.6, 0.6), value_range=value_range)(
        images, training=True)
    unit = np.clip((images - low) / (high - low) + 0.1, 0, 1)
    expected = np.where(unit < 0.6, unit, 1 - unit) * (high - low) + low
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_solarization_draws_additions_and_thresholds_from_their_ranges():
    zeros = np.zeros((500, 1, 1, 1), "float32")
    added = np.asarray(Solarization(addition_factor=0.4, threshold_factor=(1.0, 1.0), seed=0)(zeros))
    assert added.min() >= 0 and added.max() <= 0.4 * 255 + 1e-3 and added.max() > 0.35 * 255
    assert len(np.unique(added)) == 500  # one draw per image
    # a pixel at 0.45 is inverted (to 0.55) when its image's threshold t is at most 0.45
    quarter = np.full((2000, 1, 1, 1), 0.45, "float32")
    out = np.asarray(Solarization(threshold_factor=(0.2, 0.8), value_range=(0, 1), seed=0)(quarter))
    assert abs(np.isclose(out, 0.55).mean() - 0.25 / 0.6) < 0.04
    assert np.all(np.isclose(Solarization(threshold_factor=(0.5, 0.9), value_range=(0, 1))(quarter), 0.45))


# -- RandomPosterization -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bits", range(1, 9))
def test_posterization_keeps_the_top_bits_of_each_byte(bits):
    values = np.arange(256, dtype="uint8").reshape(1, 16, 16, 1)
    shift = 8 - bits
    expected = ((values >> shift) << shift).astype("float32")
    np.testing.assert_array_equal(RandomPosterization(bits)(values.astype("float32"), training=True), expected)
    scaled = RandomPosterization(bits, value_range=(0, 1))(values / np.float32(255), training=True)
    np.testing.assert_allclose(scaled, expected / 255, rtol=1e-6)


def test_posterization_truncates_fractions_as_the_uint8_cast_does():
    out = RandomPosterization(8)(np.array([[[[3.7], [254.9]]]], "float32"), training=True)
    np.testing.assert_array_equal(np.asarray(out).ravel(), [3.0, 254.0])


def test_posterization_draws_the_bits_per_image_from_the_pair():
    ramp = np.tile(np.arange(256, dtype="float32").reshape(1, 16, 16, 1), (300, 1, 1, 1))
    out = np.asarray(RandomPosterization((2, 5), seed=0)(ramp, training=True))
    levels = {len(np.unique(image)) for image in out}
    assert levels == {4, 8, 16, 32}  # 2 ** bits distinct values for bits in 2..5, both ends included


@pytest.mark.parametrize("factor", [0, 9, 2.5, True, (1, 2, 3), "4"])
def test_posterization_refuses_bits_outside_one_to_eight(factor):
    with pytest.raises(ConfigError, match=r"RandomPosterization .*`factor`.*int in \[1, 8\]"):
        RandomPosterization(factor)


# -- AutoContrast ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value_range", [(0, 255), (0, 1), (-1, 1)])
def test_auto_contrast_stretches_each_channel_of_each_image_over_the_range(value_range):
    low, high = value_range
    images = RNG.uniform(0.2, 0.6, size=(3, 4, 5, 3)).astype("float32") * (high - low) + low
    lo, hi = images.min(axis=(1, 2), keepdims=True), images.max(axis=(1, 2), keepdims=True)
    expected = (images - lo) / (hi - lo) * (high - low) + low
    for training in (True, False):  # not random: the same in both
        out = np.asarray(AutoContrast(value_range)(images, training=training))
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5 * (high - low))
        np.testing.assert_allclose(out.min(axis=(1, 2)), low, atol=1e-5)


def test_auto_contrast_leaves_constant_channels_and_takes_integers():
    images = np.stack([np.full((3, 3), 40), np.arange(9).reshape(3, 3) * 10, np.full((3, 3), 255)], -1)[None]
    out = np.asarray(AutoContrast()(images.astype("uint8")))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[..., 1], np.arange(9).reshape(1, 3, 3) * 255 / 8, rtol=1e-6)
    np.testing.assert_array_equal(out[..., 0], 40)
    np.testing.assert_array_equal(out[..., 2], 255)


# -- RandomSaturation and RandomHue: against colorsys --------------------------------------------------------


def test_saturation_scales_hsv_saturation_by_f_over_one_minus_f():
    def reference(r, g, b):
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        return colorsys.hsv_to_rgb(h, min(s * 3.0, 1.0), v)  # f = 0.75: 0.75 / 0.25 = 3

    out = RandomSaturation((0.75, 0.75), value_range=(0, 1))(UNIT, training=True)
    np.testing.assert_allclose(out, per_pixel(UNIT, reference), atol=2e-5)
    out = RandomSaturation((0.75, 0.75))(UNIT * 255, training=True)  # the default range: (0, 255)
    np.testing.assert_allclose(out, per_pixel(UNIT, reference) * 255, atol=5e-3)


def test_saturation_half_is_the_identity_and_zero_is_gray():
    np.testing.assert_allclose(RandomSaturation((0.5, 0.5))(IMAGES, training=True), IMAGES, rtol=1e-5, atol=1e-3)
    gray = np.asarray(RandomSaturation((0.0, 0.0), value_range=(0, 1))(UNIT, training=True))
    np.testing.assert_allclose(gray, np.repeat(UNIT.max(axis=-1, keepdims=True), 3, -1), atol=1e-6)


def test_saturation_factor_below_a_half_never_saturates_more():
    out = np.asarray(RandomSaturation(0.5, value_range=(0, 1), seed=0)(UNIT, training=True))

    def saturation(images):
        return (images.max(-1) - images.min(-1)) / images.max(-1)

    assert np.all(saturation(out) <= saturation(UNIT) + 1e-5)
    ratios = (saturation(out) / saturation(UNIT)).reshape(len(UNIT), -1)
    assert np.all(np.ptp(ratios, axis=1) < 1e-4)  # one factor per image
    assert np.ptp(ratios[:, 0]) > 0.05


def hue_turn(r, g, b, turn):
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    return colorsys.hsv_to_rgb((h + turn) % 1.0, s, v)


def test_hue_turns_each_image_by_half_the_factor_either_way():
    out = np.asarray(RandomHue((0.4, 0.4), value_range=(0, 1), seed=0)(UNIT, training=True))
    forward = per_pixel(UNIT, lambda r, g, b: hue_turn(r, g, b, 0.2))
    backward = per_pixel(UNIT, lambda r, g, b: hue_turn(r, g, b, -0.2))
    ways = [np.allclose(o, f, atol=2e-5) - np.allclose(o, b, atol=2e-5)
            for o, f, b in zip(out, forward, backward, strict=True)]
    assert set(ways) == {1, -1}  # every image turned one way or the other, and both ways occur
    np.testing.assert_allclose(RandomHue(0.0)(IMAGES, training=True), IMAGES, rtol=1e-5, atol=1e-3)


def test_hue_draws_turns_within_half_the_factor():
    colours = np.tile(np.array([[[[0.9, 0.3, 0.1]]]], "float32"), (400, 1, 1, 1))
    out = np.asarray(RandomHue(0.4, value_range=(0, 1), seed=0)(colours, training=True))
    hues = np.array([colorsys.rgb_to_hsv(*pixel)[0] for pixel in out.reshape(-1, 3).astype("float64")])
    turns = (hues - colorsys.rgb_to_hsv(0.9, 0.3, 0.1)[0] + 0.5) % 1.0 - 0.5
    assert np.all(np.abs(turns) <= 0.2 + 1e-5) and turns.min() < -0.15 and turns.max() > 0.15


@pytest.mark.parametrize("cls", [RandomSaturation, RandomHue])
def test_hsv_layers_refuse_images_that_are_not_rgb(cls):
    with pytest.raises(ShapeError, match=r"expects RGB images with 3 channels; received 1"):
        cls(0.5)(IMAGES[..., :1], training=True)


# -- RandomSharpness ---------------------------------------------------------------------------------------


def smoothed(images):
    kernel = np.full((3, 3), 1 / 13)
    kernel[1, 1] = 5 / 13
    padded = np.pad(images.astype("float64"), ((0, 0), (1, 1), (1, 1), (0, 0)))
    height, width = images.shape[1:3]
    return sum(kernel[dy, dx] * padded[:, dy:dy + height, dx:dx + width] for dy in range(3) for dx in range(3))


@pytest.mark.parametrize(("factor", "blend"), [(0.0, 1.0), (0.5, 0.0), (1.0, -1.0), (0.3, 0.4)])
def test_sharpness_blends_with_the_zero_padded_smoothed_image(factor, blend):
    out = RandomSharpness((factor, factor))(IMAGES, training=True)
    expected = np.clip(IMAGES + blend * (smoothed(IMAGES) - IMAGES), 0, 255)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-3)


def test_sharpness_draws_one_factor_per_image_within_the_range():
    out = np.asarray(RandomSharpness(0.3, value_range=(-1e4, 1e4), seed=0)(IMAGES, training=True))
    blend = (out - IMAGES) / (smoothed(IMAGES) - IMAGES)
    factors = (1 - blend.reshape(len(IMAGES), -1)) / 2
    assert np.all(np.ptp(factors, axis=1) < 1e-3)
    assert np.all((factors >= -1e-4) & (factors <= 0.3 + 1e-4)) and np.ptp(factors[:, 0]) > 0.05


# -- arguments ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "pattern"), [
    (lambda: RandomGrayscale(1.5), r"RandomGrayscale .*`factor`.*\[0.0, 1.0\].*factor=1.5"),
    (lambda: RandomInvert(-0.2), r"RandomInvert .*`factor`.*\[0.0, 1.0\].*factor=-0.2"),
    (lambda: Solarization(addition_factor=(0.1, 0.2, 0.3)), r"Solarization .*`addition_factor`.*pair"),
    (lambda: Solarization(threshold_factor=2), r"Solarization .*`threshold_factor`.*threshold_factor=2"),
    (lambda: AutoContrast(value_range=5), r"AutoContrast .*`value_range`.*pair.*value_range=5"),
    (lambda: RandomSaturation((0.2, 1.2)), r"RandomSaturation .*`factor`.*factor=1.2"),
    (lambda: RandomHue("big"), r"RandomHue .*`factor`.*number.*factor='big'"),
    (lambda: RandomSharpness(0.5, seed="x"), r"RandomSharpness .*`seed`.*seed='x'"),
])
def test_bad_colour_arguments_name_the_layer_and_the_value(make, pattern):
    with pytest.raises(ConfigError, match=pattern):
        make()


def test_factor_forms_follow_keras():
    assert RandomInvert().factor == (0.0, 1.0)
    assert RandomHue(0.3).factor == (0.0, 0.3)
    assert RandomSharpness((0.9, 0.1)).factor == (0.1, 0.9)
    assert Solarization(addition_factor=0.2).get_config()["addition_factor"] == [0.0, 0.2]
    assert RandomPosterization(4).factor == (4, 4)
    assert RandomGrayscale().factor == 0.5
