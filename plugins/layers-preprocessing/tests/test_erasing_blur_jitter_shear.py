"""RandomErasing, RandomGaussianBlur, RandomColorDegeneration, RandomColorJitter and RandomShear: their
deterministic parts against NumPy references written here (the erased patch, the blur kernel, degeneration toward
the luma, the shear's coordinate map), the ranges of their random draws, seeds, channels_first, configs and
errors."""

import random

import numpy as np
import pytest
from kcore_layers_preprocessing.plugin import image_components
from kcore_layers_preprocessing.random_color_degeneration import RandomColorDegeneration
from kcore_layers_preprocessing.random_color_jitter import RandomColorJitter
from kcore_layers_preprocessing.random_erasing import RandomErasing
from kcore_layers_preprocessing.random_gaussian_blur import RandomGaussianBlur
from kcore_layers_preprocessing.random_shear import RandomShear

import kcore
from kcore import layers
from kcore.errors import ConfigError, ShapeError

RNG = np.random.default_rng(1)
IMAGES = RNG.uniform(0, 255, size=(8, 5, 6, 3)).astype("float32")
ALL = {"RandomErasing": {"fill_value": 0.0}, "RandomGaussianBlur": {"factor": (0.5, 1.0), "sigma": (0.5, 1.0)},
       "RandomColorDegeneration": {"factor": 0.9},
       "RandomColorJitter": {"brightness_factor": 0.3, "contrast_factor": 0.4, "saturation_factor": 0.7,
                             "hue_factor": 0.3},
       "RandomShear": {"x_factor": 0.4, "y_factor": (0.2, 0.5)}}


@pytest.fixture(autouse=True)
def _keep_the_global_random_state():
    """Put back the global random state that `set_random_seed` replaces here."""
    python, numpy, kcore_global = random.getstate(), np.random.get_state(), kcore.random.global_seed_generator()
    yield
    random.setstate(python)
    np.random.set_state(numpy)
    kcore.random._global = kcore_global


def luma(images):
    return (images @ np.array([0.2989, 0.5870, 0.1140]))[..., None]


# -- what all of them share ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL))
def test_layers_are_the_identity_at_inference_and_random_in_training(name):
    layer = image_components()[name](**ALL[name], seed=3)
    np.testing.assert_array_equal(layer(IMAGES, training=False), IMAGES)
    np.testing.assert_array_equal(kcore.Sequential([layer]).predict(IMAGES, verbose=0), IMAGES)
    first, second = (np.asarray(layer(IMAGES)) for _ in range(2))  # no flag: training=True, as in Keras
    assert first.shape == IMAGES.shape and first.dtype == np.float32
    assert not np.array_equal(first, IMAGES) and not np.array_equal(first, second)


@pytest.mark.parametrize("name", sorted(ALL))
def test_layers_repeat_under_a_seed(name):
    cls = image_components()[name]
    runs = []
    for _ in range(2):
        kcore.utils.set_random_seed(5)
        runs.append(np.asarray(cls(**ALL[name])(IMAGES, training=True)))
    np.testing.assert_array_equal(*runs)
    seeded = [np.asarray(cls(**ALL[name], seed=11)(IMAGES, training=True)) for _ in range(2)]
    np.testing.assert_array_equal(*seeded)
    assert not np.array_equal(seeded[0], np.asarray(cls(**ALL[name], seed=12)(IMAGES, training=True)))


@pytest.mark.parametrize("name", sorted(ALL))
def test_layers_keep_the_channels_first_layout_and_take_one_image(name):
    cls = image_components()[name]
    first = cls(**ALL[name], seed=4, data_format="channels_first")
    expected = np.asarray(cls(**ALL[name], seed=4)(IMAGES, training=True))
    np.testing.assert_allclose(first(IMAGES.transpose(0, 3, 1, 2), training=True), expected.transpose(0, 3, 1, 2),
                               rtol=1e-5, atol=1e-3)
    assert np.asarray(cls(**ALL[name])(IMAGES[0], training=True)).shape == IMAGES.shape[1:]
    assert tuple(cls(**ALL[name])(layers.Input((5, 6, 3))).shape) == (None, 5, 6, 3)


@pytest.mark.parametrize("name", sorted(ALL))
def test_configs_round_trip_and_rebuild_the_same_layer(name):
    layer = image_components()[name](**ALL[name], seed=7)
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    np.testing.assert_array_equal(clone(IMAGES, training=True), layer(IMAGES, training=True))


def test_layers_are_registered_with_kcore():
    for name in ALL:
        assert getattr(kcore.layers, name) is image_components()[name]


# -- RandomErasing -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("share", [0.04, 0.25, 0.6])
def test_erasing_fills_one_rectangle_whose_sides_are_sqrt_scale_of_the_image(share):
    height, width = 20, 30
    ones = np.ones((40, height, width, 1), "float32")
    out = np.asarray(RandomErasing(factor=(1.0, 1.0), scale=(share, share), fill_value=9.0, seed=0)(ones))
    side = np.sqrt(share)
    for image in out[..., 0]:
        erased = image == 9.0
        assert np.all(erased | (image == 1.0))
        rows, cols = np.nonzero(erased.any(axis=1))[0], np.nonzero(erased.any(axis=0))[0]
        # one rectangle: its bounding box is all erased
        assert erased[rows.min():rows.max() + 1, cols.min():cols.max() + 1].all()
        # the integers of a half-open interval of length L number floor(L) or ceil(L)
        assert np.floor(side * height) <= len(rows) <= np.ceil(side * height)
        assert np.floor(side * width) <= len(cols) <= np.ceil(side * width)


def test_erasing_fill_values_per_channel_clipped_and_noise():
    images = np.full((3, 4, 4, 3), 50.0, "float32")
    out = np.asarray(RandomErasing((1.0, 1.0), scale=(1.0, 1.0), fill_value=[1.0, 2.0, 300.0])(images))
    np.testing.assert_array_equal(out, np.broadcast_to([1.0, 2.0, 255.0], images.shape))  # clipped to the range
    noise = np.asarray(RandomErasing((1.0, 1.0), scale=(1.0, 1.0), value_range=(0, 1), seed=0)(images / 100))
    assert noise.min() >= 0.0 and noise.max() <= 1.0 and len(np.unique(noise)) > 20  # N(0, 1) * 1, clipped
    assert abs((noise == 0).mean() - 0.5) < 0.2  # about half the normal draws are negative


@pytest.mark.parametrize(("factor", "share"), [((0.0, 0.0), 0.0), ((0.4, 0.4), 0.4), (0.6, 0.3), ((0.5, 1.0), 0.75)])
def test_erasing_erases_an_image_with_a_probability_drawn_from_factor(factor, share):
    ones = np.ones((3000, 2, 2, 1), "float32")
    out = np.asarray(RandomErasing(factor, scale=(1.0, 1.0), fill_value=0.0, seed=2)(ones))
    erased = np.all(out == 0, axis=(1, 2, 3))
    assert np.all(erased | np.all(out == 1, axis=(1, 2, 3)))
    assert abs(erased.mean() - share) < 0.035


def test_erasing_patch_sizes_spread_over_the_scale_range():
    ones = np.ones((500, 10, 10, 1), "float32")
    out = np.asarray(RandomErasing((1.0, 1.0), scale=(0.09, 0.64), fill_value=0.0, seed=3)(ones))
    cols = (out[..., 0] == 0).any(axis=1).sum(axis=1)
    assert cols.min() >= 2 and cols.max() <= 9 and cols.min() <= 3 and cols.max() >= 8  # 10 * sqrt(0.09..0.64)


# -- RandomGaussianBlur ------------------------------------------------------------------------------------


def reference_blur(images, size_x, size_y, sigma):
    """Zero-padded 2-D correlation with the normalised Gaussian outer(g_y, g_x), pixel by pixel."""
    def gauss(size):
        x = np.arange(size) - (size - 1) / 2
        g = np.exp(-0.5 * (x / sigma) ** 2)
        return g / g.sum()

    kernel = np.outer(gauss(size_y), gauss(size_x))
    ry, rx = size_y // 2, size_x // 2
    n, height, width, c = images.shape
    padded = np.zeros((n, height + 2 * ry, width + 2 * rx, c))
    padded[:, ry:ry + height, rx:rx + width] = images
    out = np.zeros(images.shape)
    for y in range(height):
        for x in range(width):
            window = padded[:, y:y + size_y, x:x + size_x]
            out[:, y, x] = np.einsum("nijc,ij->nc", window, kernel)
    return out


@pytest.mark.parametrize(("kernel_size", "sigma"), [(3, 1.0), ((3, 5), 0.7), ((5, 1), 0.4)])
def test_blur_convolves_with_the_normalised_gaussian_kernel(kernel_size, sigma):
    sizes = kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)
    out = RandomGaussianBlur((1.0, 1.0), kernel_size=kernel_size, sigma=(sigma, sigma))(IMAGES, training=True)
    np.testing.assert_allclose(out, reference_blur(IMAGES, *sizes, sigma + 1e-6), rtol=1e-4, atol=1e-3)


def test_blur_draws_one_sigma_pair_per_batch_from_its_range():
    delta = np.zeros((2, 5, 5, 1), "float32")
    delta[:, 2, 2] = 1.0

    def centre(s):  # the centre tap of a 3x3 kernel of standard deviation s
        return (1 / (1 + 2 * np.exp(-0.5 / s ** 2))) ** 2

    centres = []
    for seed in range(40):
        out = np.asarray(RandomGaussianBlur((1.0, 1.0), sigma=(0.5, 1.0), seed=seed)(delta))
        np.testing.assert_array_equal(out[0], out[1])  # the same kernel for the whole batch
        centres.append(out[0, 2, 2, 0])
    assert centre(1.0) - 1e-5 <= min(centres) and max(centres) <= centre(0.5) + 1e-5
    assert max(centres) - min(centres) > 0.1


@pytest.mark.parametrize(("factor", "share"), [((0.0, 0.0), 0.0), ((0.3, 0.3), 0.3), (0.8, 0.4)])
def test_blur_blurs_an_image_with_a_probability_drawn_from_factor(factor, share):
    images = np.zeros((3000, 1, 3, 1), "float32")
    images[:, 0, 1] = 1.0
    out = np.asarray(RandomGaussianBlur(factor, seed=1, value_range=(0, 1))(images))
    blurred = out[:, 0, 1, 0] < 1.0
    assert np.all(blurred | np.all(out == images, axis=(1, 2, 3)))
    assert abs(blurred.mean() - share) < 0.035


def test_blur_clips_every_image_to_the_value_range():
    out = RandomGaussianBlur((0.0, 0.0), value_range=(0, 1))(np.array([[[[2.0], [-1.0]]]], "float32"))
    np.testing.assert_array_equal(np.asarray(out).ravel(), [1.0, 0.0])


# -- RandomColorDegeneration -------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0.0, 0.3, 1.0, -0.5])
def test_degeneration_moves_each_pixel_toward_its_luma(amount):
    out = RandomColorDegeneration((amount, amount))(IMAGES, training=True)
    expected = np.clip(IMAGES + amount * (luma(IMAGES) - IMAGES), 0, 255)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize(("factor", "low", "high"), [(0.6, -0.6, 0.6), ((0.2, 0.5), 0.2, 0.5), ((-1, 0), -1, 0)])
def test_degeneration_draws_one_amount_per_image_from_factor(factor, low, high):
    images = np.tile(np.array([100.0, 150.0, 50.0], "float32"), (2000, 1, 1, 1))
    out = np.asarray(RandomColorDegeneration(factor, seed=0)(images))
    amounts = (out[:, 0, 0, 0] - 100.0) / (luma(images)[:, 0, 0, 0] - 100.0)
    assert amounts.min() >= low - 1e-4 and amounts.max() <= high + 1e-4
    assert amounts.min() < low + 0.05 and amounts.max() > high - 0.05


def test_degeneration_refuses_images_that_are_not_rgb():
    with pytest.raises(ShapeError, match=r"RandomColorDegeneration .*3 channels.*received 1"):
        RandomColorDegeneration(0.5)(np.zeros((1, 2, 2, 1), "float32"))


# -- RandomColorJitter -------------------------------------------------------------------------------------


def test_jitter_with_no_factor_is_the_identity_and_with_one_is_that_layer():
    np.testing.assert_array_equal(RandomColorJitter()(IMAGES, training=True), IMAGES)
    out = RandomColorJitter(value_range=(0, 255), brightness_factor=(0.1, 0.1))(IMAGES, training=True)
    np.testing.assert_allclose(out, np.clip(IMAGES + 25.5, 0, 255), rtol=1e-6)


def test_jitter_composes_its_steps_on_one_image():
    # brightness +0.1 of the range, unchanged contrast, saturation 0 (HSV gray: the max channel), then any hue
    layer = RandomColorJitter(value_range=(0, 1), brightness_factor=(0.1, 0.1), contrast_factor=0.0,
                              saturation_factor=(0.0, 0.0), hue_factor=0.5, seed=0)
    unit = IMAGES / 255
    expected = np.repeat(np.clip(unit + 0.1, 0, 1).max(axis=-1, keepdims=True), 3, axis=-1)
    np.testing.assert_allclose(layer(unit, training=True), expected, rtol=1e-5, atol=1e-5)


def test_jitter_config_keeps_none_factors_and_names_the_bad_one():
    config = RandomColorJitter(hue_factor=0.2).get_config()
    assert config["brightness_factor"] is None and config["hue_factor"] == [0.0, 0.2]
    with pytest.raises(ConfigError, match=r"RandomColorJitter .*`hue_factor`.*factor=1.5"):
        RandomColorJitter(hue_factor=1.5)


# -- RandomShear -------------------------------------------------------------------------------------------


def reference_shear(image, shear_x, shear_y):
    """Bilinear read of `image` (H, W) at x + shear_x * y, shear_y * x + y; 0 outside."""
    height, width = image.shape
    out = np.zeros(image.shape)
    for y in range(height):
        for x in range(width):
            xi, yi = x + shear_x * y, shear_y * x + y
            x0, y0 = int(np.floor(xi)), int(np.floor(yi))
            for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
                w = (1 - abs(yi - (y0 + dy))) * (1 - abs(xi - (x0 + dx)))
                if 0 <= y0 + dy < height and 0 <= x0 + dx < width:
                    out[y, x] += w * image[y0 + dy, x0 + dx]
    return out


@pytest.mark.parametrize(("x_factor", "y_factor"), [((0.5, 0.5), 0.0), (0.0, (0.25, 0.25)), ((0.3, 0.3), (0.6, 0.6))])
def test_shear_reads_each_pixel_at_the_sheared_coordinates(x_factor, y_factor):
    images = RNG.uniform(0, 1, size=(30, 4, 5, 1)).astype("float32")
    sx, sy = [f if isinstance(f, float) else f[0] for f in (x_factor, y_factor)]
    out = np.asarray(RandomShear(x_factor, y_factor, fill_mode="constant", seed=0)(images, training=True))
    signs = []
    for image, result in zip(images[..., 0], out[..., 0], strict=True):
        matches = [s for s in (1, -1) if np.allclose(result, reference_shear(image, s * sx, s * sy), atol=1e-5)]
        assert matches, "the output is neither shear"
        signs.append(matches[0])
    assert set(signs) == {1, -1}  # one random sign per image


def test_shear_with_nearest_moves_whole_pixels():
    image = np.arange(12, dtype="float32").reshape(1, 3, 4, 1)
    out = np.asarray(RandomShear(x_factor=(1.0, 1.0), interpolation="nearest", fill_mode="constant",
                                 fill_value=-1.0, seed=0)(np.repeat(image, 6, axis=0)))[..., 0]
    for result in out:
        s = 1 if result[1, 0] == image[0, 1, 1, 0] else -1
        expected = [[image[0, y, x + s * y, 0] if 0 <= x + s * y < 4 else -1.0 for x in range(4)] for y in range(3)]
        np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize(("x_factor", "low", "high"), [(0.3, -0.3, 0.3), ((0.1, 0.2), 0.1, 0.2)])
def test_shear_draws_its_amounts_from_the_factor_with_a_random_sign(x_factor, low, high):
    ramp = np.tile(np.arange(9, dtype="float32"), (500, 2, 1))[..., None]  # pixel value = x
    out = np.asarray(RandomShear(x_factor=x_factor, fill_mode="nearest", seed=1)(ramp))
    shears = np.abs(out[:, 1, 4, 0] - 4.0)  # row 1 reads x + s_x
    assert shears.min() >= abs(low) * (low > 0) - 1e-5 and shears.max() <= high + 1e-5
    assert shears.max() > high - 0.02 and shears.min() < max(low, 0) + 0.02
    np.testing.assert_array_equal(out[:, 0], ramp[:, 0])  # row 0 stays: the shear is about the top-left corner
    assert ((out[:, 1, 4, 0] - 4.0) > 0).mean() > 0.4 and ((out[:, 1, 4, 0] - 4.0) < 0).mean() > 0.4


# -- bad arguments -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "kwargs", "message"), [
    (RandomErasing, {"factor": 1.5}, r"`factor` must be a number in \[0.0, 1.0\]"),
    (RandomErasing, {"scale": (0.1, 2.0)}, r"`scale` must be a number in \[0.0, 1.0\]"),
    (RandomErasing, {"fill_value": [1, 2]}, r"`fill_value` must be None, a number or a list of three"),
    (RandomErasing, {"fill_value": "black"}, r"`fill_value` must be None"),
    (RandomErasing, {"value_range": 255}, r"`value_range` must be a pair"),
    (RandomErasing, {"seed": 1.5}, r"`seed` must be an int"),
    (RandomGaussianBlur, {"kernel_size": 4}, r"`kernel_size` must be a positive odd int"),
    (RandomGaussianBlur, {"kernel_size": (3, 3, 3)}, r"`kernel_size` must be a positive odd int"),
    (RandomGaussianBlur, {"sigma": 2.0}, r"`sigma` must be a number in \[0.0, 1.0\]"),
    (RandomGaussianBlur, {"sigma": (-1.0, 2.0)}, r"`sigma` must be a number in \[0.0, inf\]"),
    (RandomGaussianBlur, {"factor": -0.5}, r"`factor` must be a number in \[0.0, 1.0\]"),
    (RandomColorDegeneration, {"factor": 2.0}, r"`factor` must be a number in \[-1.0, 1.0\]"),
    (RandomColorJitter, {"value_range": (0, 1, 2)}, r"`value_range` must be a pair"),
    (RandomColorJitter, {"contrast_factor": 3.0}, r"`contrast_factor` is passed to RandomContrast"),
    (RandomShear, {"x_factor": 1.2}, r"`x_factor` must be a number in \[0.0, 1.0\]"),
    (RandomShear, {"y_factor": -0.2}, r"`y_factor` must be a number in \[0.0, 1.0\]"),
    (RandomShear, {"fill_mode": "mirror"}, r"`fill_mode` must be one of"),
    (RandomShear, {"interpolation": "bicubic"}, r"`interpolation` must be one of"),
])
def test_bad_arguments_raise_errors_that_name_them(cls, kwargs, message):
    kwargs = {"factor": 0.5, **kwargs} if cls is RandomColorDegeneration else kwargs
    with pytest.raises(ConfigError, match=cls.__name__ + ".*" + message):
        cls(**kwargs)
