"""Resizing, crops, flips and the affine layers (rotation, zoom, translation) against NumPy references."""

import numpy as np
import pytest
from kcore_layers_preprocessing.center_crop import CenterCrop
from kcore_layers_preprocessing.random_crop import RandomCrop
from kcore_layers_preprocessing.random_flip import RandomFlip
from kcore_layers_preprocessing.random_rotation import RandomRotation
from kcore_layers_preprocessing.random_translation import RandomTranslation
from kcore_layers_preprocessing.random_zoom import RandomZoom
from kcore_layers_preprocessing.resizing import Resizing

from kcore.testing import check_gradients

RNG = np.random.default_rng(0)


def nearest_reference(image, height, width):
    """Loops over output pixels: each reads input pixel floor((i + 0.5) * m / n)."""
    m, n = image.shape[:2]
    out = np.zeros((height, width, *image.shape[2:]), image.dtype)
    for i in range(height):
        for j in range(width):
            out[i, j] = image[int(np.floor((i + 0.5) * m / height)), int(np.floor((j + 0.5) * n / width))]
    return out


def bilinear_reference(image, height, width):
    """Half-pixel centres, neighbours clamped to the image, one axis after the other."""
    def along(x, size, axis):
        m = x.shape[axis]
        rows = []
        for i in range(size):
            s = (i + 0.5) * m / size - 0.5
            i0 = int(np.floor(s))
            f = s - i0
            a, b = np.take(x, min(max(i0, 0), m - 1), axis), np.take(x, min(max(i0 + 1, 0), m - 1), axis)
            rows.append((1 - f) * a + f * b)
        return np.stack(rows, axis)
    return along(along(image.astype(np.float64), height, 0), width, 1)


@pytest.mark.parametrize("size", [(2, 3), (7, 5), (4, 9), (5, 6)])
def test_resizing_nearest_and_bilinear_match_hand_written_references(size):
    image = RNG.uniform(0, 1, size=(5, 6, 2)).astype("float32")
    np.testing.assert_array_equal(Resizing(*size, interpolation="nearest")(image), nearest_reference(image, *size))
    np.testing.assert_allclose(Resizing(*size)(image), bilinear_reference(image, *size), rtol=1e-5, atol=1e-6)
    batch = np.stack([image, image[::-1]])
    np.testing.assert_allclose(Resizing(*size)(batch)[1], bilinear_reference(image[::-1], *size), rtol=1e-5,
                               atol=1e-6)


def test_resizing_channels_first_equals_channels_last_transposed():
    images = RNG.uniform(size=(2, 5, 6, 3)).astype("float32")
    last = Resizing(4, 9)(images)
    first = Resizing(4, 9, data_format="channels_first")(images.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(first, np.asarray(last).transpose(0, 3, 1, 2), rtol=1e-6)


def test_resizing_crops_or_pads_to_the_aspect_ratio_first():
    image = np.arange(4 * 8, dtype="float32").reshape(4, 8, 1)
    cropped = Resizing(4, 4, crop_to_aspect_ratio=True)(image)
    np.testing.assert_array_equal(cropped, image[:, 2:6])
    padded = Resizing(8, 8, pad_to_aspect_ratio=True, fill_value=-1.0, interpolation="nearest")(image)
    np.testing.assert_array_equal(padded, np.pad(image, ((2, 2), (0, 0), (0, 0)), constant_values=-1))


@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic", "nearest"])
def test_resizing_gradient_matches_finite_differences(interpolation):
    layer = Resizing(3, 5, interpolation=interpolation, dtype="float64")
    check_gradients(lambda x: layer(x), [RNG.standard_normal((2, 4, 4, 2))])


def test_center_crop_takes_the_middle_window_and_resizes_small_images():
    images = RNG.uniform(size=(2, 7, 6, 3)).astype("float32")
    np.testing.assert_array_equal(CenterCrop(3, 4)(images), images[:, 2:5, 1:5])
    small = CenterCrop(8, 8)(images)  # crop to 1:1 (6x6 centre), then upscale bilinearly
    np.testing.assert_allclose(small[0], bilinear_reference(images[0, 0:6], 8, 8), rtol=1e-5, atol=1e-6)


def test_random_crop_picks_a_window_of_the_image_in_training_and_the_centre_at_inference():
    images = RNG.uniform(size=(3, 8, 9, 2)).astype("float32")
    layer = RandomCrop(4, 5, seed=3)
    windows = set()
    for _ in range(12):
        out = np.asarray(layer(images, training=True))
        found = [(i, j) for i in range(5) for j in range(5) if np.array_equal(out, images[:, i:i + 4, j:j + 5])]
        assert len(found) == 1
        windows.add(found[0])
    assert len(windows) > 1
    np.testing.assert_allclose(layer(images, training=False), Resizing(4, 5, crop_to_aspect_ratio=True)(images),
                               rtol=1e-6)


def test_random_flip_flips_exactly_some_images_and_not_others():
    images = RNG.uniform(size=(16, 3, 4, 2)).astype("float32")
    for mode, flip in [("horizontal", lambda x: x[:, ::-1]), ("vertical", lambda x: x[::-1]),
                       ("horizontal_and_vertical", lambda x: x[::-1, ::-1])]:
        out = np.asarray(RandomFlip(mode, seed=1)(images, training=True))
        flipped = [np.array_equal(o, flip(i)) for o, i in zip(out, images, strict=True)]
        kept = [np.array_equal(o, i) for o, i in zip(out, images, strict=True)]
        assert all(f or k for f, k in zip(flipped, kept, strict=True)) and any(flipped) and any(kept), mode


def test_rotation_by_a_quarter_turn_equals_rot90():
    images = RNG.uniform(size=(3, 5, 5, 2)).astype("float32")
    for interpolation in ("bilinear", "nearest"):
        out = RandomRotation((0.25, 0.25), interpolation=interpolation)(images, training=True)
        np.testing.assert_allclose(out, np.rot90(images, axes=(1, 2)), rtol=1e-4, atol=1e-5)
    half = RandomRotation((-0.5, -0.5))(images[0], training=True)  # a single image, half a turn
    np.testing.assert_allclose(half, images[0, ::-1, ::-1], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("fill_mode", "pad_mode"), [("reflect", "symmetric"), ("wrap", "wrap"),
                                                     ("nearest", "edge"), ("constant", "constant")])
def test_fill_modes_extend_the_image_as_numpy_pad(fill_mode, pad_mode):
    image = RNG.uniform(size=(1, 3, 4, 1)).astype("float32")
    extra = {"constant_values": 7.0} if pad_mode == "constant" else {}
    for shift in (1, 3, 4):  # width 4: a factor of shift / 4 moves the image `shift` pixels right
        layer = RandomTranslation(0, (shift / 4, shift / 4), fill_mode=fill_mode, fill_value=7.0)
        expected = np.pad(image, ((0, 0), (0, 0), (shift, 0), (0, 0)), mode=pad_mode, **extra)[:, :, :4]
        np.testing.assert_allclose(layer(image, training=True), expected, rtol=1e-5, atol=1e-6)
    half = RandomTranslation(0, (0.125, 0.125), fill_mode=fill_mode, fill_value=7.0)(image, training=True)
    padded = np.pad(image, ((0, 0), (0, 0), (1, 0), (0, 0)), mode=pad_mode, **extra)
    np.testing.assert_allclose(half, (padded[:, :, :4] + padded[:, :, 1:5]) / 2, rtol=1e-5, atol=1e-6)


def test_translation_moves_down_by_the_height_factor():
    image = RNG.uniform(size=(4, 3, 1)).astype("float32")
    out = RandomTranslation((-0.25, -0.25), 0, fill_mode="constant")(image, training=True)
    np.testing.assert_allclose(out, np.concatenate([image[1:], np.zeros((1, 3, 1))]), atol=1e-6)


def test_zoom_samples_the_scaled_grid_about_the_centre():
    image = RNG.uniform(size=(6, 8, 1)).astype("float32")
    out = np.asarray(RandomZoom((0.5, 0.5), (-0.25, -0.25), interpolation="nearest", fill_mode="constant",
                                fill_value=-1)(image, training=True))
    for i in range(6):
        for j in range(8):
            y, x = 1.5 * i + 2.5 * (1 - 1.5), 0.75 * j + 3.5 * (1 - 0.75)
            yi, xi = int(np.floor(y + 0.5)), int(np.floor(x + 0.5))
            assert out[i, j, 0] == (image[yi, xi, 0] if 0 <= yi < 6 and 0 <= xi < 8 else -1), (i, j)


def test_affine_layers_accept_channels_first():
    images = RNG.uniform(size=(2, 5, 5, 3)).astype("float32")
    out = RandomRotation((0.25, 0.25), data_format="channels_first")(images.transpose(0, 3, 1, 2), training=True)
    np.testing.assert_allclose(out, np.rot90(images, axes=(1, 2)).transpose(0, 3, 1, 2), rtol=1e-4, atol=1e-5)
    flipped = RandomFlip("horizontal", data_format="channels_first", seed=0)(images.transpose(0, 3, 1, 2),
                                                                              training=True)
    assert all(np.array_equal(o, i) or np.array_equal(o, i[:, :, ::-1])
               for o, i in zip(np.asarray(flipped), images.transpose(0, 3, 1, 2), strict=True))
