"""`image_dataset_from_directory`: a dataset of (images, labels) from a tree of image files, one folder per
class. Decoding needs Pillow (`pip install pillow`)."""

import numpy as np

from kcore.errors import ConfigError
from kcore.utils import directory_utils, image_utils

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, color_mode="rgb",
                                 batch_size=32, image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, data_format=None,
                                 verbose=True):
    """Batches `(images, labels)` of the BMP, GIF, JPEG and PNG files under `directory`, as
    `keras.utils.image_dataset_from_directory`.

    Every image is decoded to `color_mode` ("rgb", "rgba" or "grayscale": 3, 4 or 1 channels) and resized to
    `image_size` = (height, width) with `interpolation` (Keras's resize: half-pixel centres, no antialiasing),
    after cropping (`crop_to_aspect_ratio`) or zero-padding (`pad_to_aspect_ratio`) it to that aspect ratio if
    asked. Images are float32 in 0-255 (add a Rescaling layer to scale them), of shape (batch, height, width,
    channels), or channels first with data_format="channels_first". Labels, class subdirectories,
    `validation_split` and `subset` work as in `text_dataset_from_directory`. The result is a `FileDataset` with
    `class_names` and `file_paths`.

    Example:
        >>> train, validation = image_dataset_from_directory("PetImages", image_size=(180, 180), batch_size=128,
        ...                                                  validation_split=0.2, subset="both", seed=1337)
        >>> train.class_names
        ['Cat', 'Dog']
        >>> model.fit(train, validation_data=validation, epochs=25)
    """
    if color_mode not in image_utils.COLOR_MODES:
        raise ConfigError(f"image_dataset_from_directory: `color_mode` must be 'rgb', 'rgba' or 'grayscale'; "
                          f"received {color_mode!r}.")
    size = _image_size(image_size)
    interpolation = str(interpolation).lower()
    if interpolation not in image_utils.RESIZE_METHODS:
        raise ConfigError(f"image_dataset_from_directory: `interpolation` must be one of "
                          f"{image_utils.RESIZE_METHODS}; received {interpolation!r}.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ConfigError("image_dataset_from_directory: only one of crop_to_aspect_ratio and pad_to_aspect_ratio "
                          "can be True.")
    data_format = image_utils.standardize_data_format(data_format)
    image_utils.require_pillow()  # fail now, not at the first batch, when Pillow is missing

    def load(path):
        image = image_utils.img_to_array(image_utils.load_img(path, color_mode=color_mode), "channels_last",
                                         "float32")
        image = image_utils.resize_image(image, size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio)
        return image.transpose(2, 0, 1) if data_format == "channels_first" else image

    return directory_utils.datasets_from_directory(
        "image_dataset_from_directory", directory, IMAGE_FORMATS, load, np.stack, labels, label_mode, class_names,
        batch_size, shuffle, seed, validation_split, subset, follow_links, verbose)


def _image_size(image_size):
    if isinstance(image_size, int) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    if (not isinstance(image_size, (list, tuple)) or len(image_size) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in image_size)):
        raise ConfigError(f"image_dataset_from_directory: `image_size` must be (height, width), two positive "
                          f"integers; received {image_size!r}.")
    return tuple(image_size)
