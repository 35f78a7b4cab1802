"""`load_img`, `img_to_array`, `array_to_img`, `save_img` and the resize of `image_dataset_from_directory`."""

import io

import numpy as np
import pytest

from kcore.errors import ConfigError, ShapeError
from kcore.utils import array_to_img, img_to_array, load_img, save_img
from kcore.utils.image_utils import resize_image, smart_resize

pytest.importorskip("PIL")


def _bilinear_reference(image, height, width):
    """Half-pixel bilinear resize written out per output pixel (sample points clamped to the edge pixels)."""
    def axis(values, size_out, along):
        size_in = values.shape[along]
        out = []
        for i in range(size_out):
            s = min(max((i + 0.5) * size_in / size_out - 0.5, 0.0), size_in - 1.0)
            low = int(np.floor(s))
            high = min(low + 1, size_in - 1)
            f = s - low
            out.append((1 - f) * np.take(values, low, along) + f * np.take(values, high, along))
        return np.stack(out, along)
    return axis(axis(image.astype("float64"), height, 0), width, 1)


@pytest.mark.parametrize("size", [(5, 7), (13, 4), (20, 21), (3, 3)])
def test_bilinear_resize_matches_the_formula_up_and_down(size):
    image = np.random.RandomState(0).rand(9, 11, 2).astype("float32") * 255
    resized = resize_image(image, size)
    assert resized.shape == (*size, 2) and resized.dtype == np.float32
    np.testing.assert_allclose(resized, _bilinear_reference(image, *size), rtol=1e-5, atol=1e-3)


def test_nearest_resize_copies_the_pixel_under_each_centre():
    image = np.arange(6, dtype="float32").reshape(1, 6, 1)
    np.testing.assert_array_equal(resize_image(image, (1, 3), "nearest")[0, :, 0], [1, 3, 5])
    with pytest.raises(ConfigError, match="Unknown interpolation 'cubic'"):
        resize_image(image, (2, 2), "cubic")


def test_a_png_round_trips_exactly_in_every_color_mode(tmp_path):
    rgba = np.random.RandomState(2).randint(0, 256, (5, 6, 4))
    save_img(tmp_path / "a.png", rgba, scale=False)
    loaded = img_to_array(load_img(tmp_path / "a.png", color_mode="rgba"))
    assert loaded.dtype == np.float32 and loaded.shape == (5, 6, 4)
    np.testing.assert_array_equal(loaded, rgba)
    np.testing.assert_array_equal(img_to_array(load_img(str(tmp_path / "a.png"))), rgba[..., :3])
    gray = img_to_array(load_img(tmp_path / "a.png", color_mode="grayscale"))
    assert gray.shape == (5, 6, 1)
    luma = rgba[..., 0] * 299 / 1000 + rgba[..., 1] * 587 / 1000 + rgba[..., 2] * 114 / 1000  # ITU-R 601-2
    np.testing.assert_allclose(gray[..., 0], luma, atol=1)
    assert img_to_array(load_img(tmp_path / "a.png"), data_format="channels_first").shape == (3, 5, 6)


def test_load_img_resizes_and_can_keep_the_aspect_ratio_by_cropping_the_centre(tmp_path):
    image = np.zeros((4, 8, 3), "uint8")
    image[:, :2] = image[:, 6:] = (255, 0, 0)
    image[:, 2:6] = (0, 255, 0)
    save_img(tmp_path / "wide.png", image, scale=False)
    squeezed = img_to_array(load_img(tmp_path / "wide.png", target_size=(4, 4)))
    assert squeezed.shape == (4, 4, 3) and squeezed[..., 0].any()
    centre = img_to_array(load_img(tmp_path / "wide.png", target_size=(4, 4), keep_aspect_ratio=True))
    np.testing.assert_array_equal(centre, np.broadcast_to([0, 255, 0], (4, 4, 3)))
    with open(tmp_path / "wide.png", "rb") as file:
        assert load_img(io.BytesIO(file.read())).size == (8, 4)
    with pytest.raises(ConfigError, match="Unknown interpolation 'area' for load_img"):
        load_img(tmp_path / "wide.png", target_size=(2, 2), interpolation="area")


def test_array_to_img_scales_to_the_full_range_unless_told_not_to():
    x = np.array([[[-1.0], [0.0]], [[1.0], [3.0]]])
    np.testing.assert_array_equal(np.asarray(array_to_img(x)), [[0, 63], [127, 255]])
    np.testing.assert_array_equal(np.asarray(array_to_img(np.full((2, 2, 1), 7.0), scale=False)), np.full((2, 2), 7))
    assert array_to_img(np.zeros((2, 3, 3))).mode == "RGB"
    assert array_to_img(np.zeros((3, 2, 5)), data_format="channels_first").size == (5, 2)
    with pytest.raises(ShapeError, match="1, 3 or 4 channels; received 2"):
        array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ShapeError, match="rank 3"):
        array_to_img(np.zeros((2, 2)))


def test_saving_rgba_as_jpeg_drops_the_alpha_with_a_warning(tmp_path):
    with pytest.warns(UserWarning, match="JPEG has no alpha channel"):
        save_img(tmp_path / "a.jpg", np.full((4, 4, 4), 200.0), scale=False)
    assert load_img(tmp_path / "a.jpg").mode == "RGB"


def test_a_file_that_is_not_an_image_is_named(tmp_path):
    (tmp_path / "fake.png").write_bytes(b"plain text")
    with pytest.raises(ConfigError, match=r"Could not decode the image file .*fake\.png"):
        load_img(tmp_path / "fake.png")


def test_smart_resize_crops_the_centre_to_the_aspect_ratio_then_resizes():
    wide = np.zeros((4, 8, 3), "float32")
    wide[:, 2:6] = 9.0
    np.testing.assert_array_equal(smart_resize(wide, (2, 2), interpolation="nearest"), np.full((2, 2, 3), 9.0))
    batch = smart_resize(np.stack([wide, wide]).transpose(0, 3, 1, 2), (4, 4), data_format="channels_first")
    assert batch.shape == (2, 3, 4, 4) and (batch == 9.0).all()
    with pytest.raises(ShapeError, match="smart_resize takes an image"):
        smart_resize(np.zeros((4, 4)), (2, 2))


def test_keras_preprocessing_names_lead_to_the_same_functions():
    import kcore

    assert kcore.preprocessing.image.load_img is load_img and kcore.preprocessing.image.smart_resize is smart_resize
    assert kcore.preprocessing.sequence.pad_sequences is kcore.utils.pad_sequences
    assert kcore.preprocessing.image_dataset_from_directory is kcore.utils.image_dataset_from_directory
    assert kcore.preprocessing.text_dataset_from_directory is kcore.utils.text_dataset_from_directory
