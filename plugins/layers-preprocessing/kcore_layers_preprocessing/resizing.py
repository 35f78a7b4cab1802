"""Resizing: images to a fixed height and width."""

from kcore import ops
from kcore.errors import ConfigError
from kcore.utils import image_utils
from kcore_layers_preprocessing import resize
from kcore_layers_preprocessing.image_layer import ImageLayer, choice, describe, keras_value, number, positive_int


def aspect_crop(images, height, width):
    """The largest centred window of `images` (N, H, W, C) with the aspect ratio height:width (Keras's)."""
    h, w = images.shape[1:3]
    top, left, crop_h, crop_w = image_utils.crop_window(h, w, height, width)
    if (crop_h, crop_w) == (h, w):
        return images
    return ops.get_item(images, (slice(None), slice(top, top + crop_h), slice(left, left + crop_w)))


class Resizing(ImageLayer):
    """Resizes images to (height, width) with `interpolation` ("bilinear", "nearest", "bicubic", "lanczos3",
    "lanczos5"; half-pixel centres, as Keras). With `crop_to_aspect_ratio`, first crops the largest centred
    window of the target aspect ratio; with `pad_to_aspect_ratio`, first pads (with `fill_value`) to it.
    `antialias` widens the kernel when downsampling. In training and at inference alike; outputs are floats.

    Example:
        >>> Resizing(2, 2)(np.arange(16, dtype="float32").reshape(1, 4, 4, 1))[0, ..., 0]
        array([[ 2.5,  4.5],
               [10.5, 12.5]], dtype=float32)
    """

    random_layer = False

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.height, self.width = positive_int(where, "height", height), positive_int(where, "width", width)
        self.interpolation = choice(where, "interpolation", interpolation, resize.METHODS)
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ConfigError(f"{where}: `crop_to_aspect_ratio` and `pad_to_aspect_ratio` cannot both be True. "
                              f"Pick one.")
        self.crop_to_aspect_ratio, self.pad_to_aspect_ratio = bool(crop_to_aspect_ratio), bool(pad_to_aspect_ratio)
        self.fill_mode = choice(where, "fill_mode", fill_mode, ("constant",))
        self.fill_value = number(where, "fill_value", keras_value(fill_value))
        self.antialias = bool(antialias)

    def transform(self, images):
        if self.crop_to_aspect_ratio:
            images = aspect_crop(images, self.height, self.width)
        elif self.pad_to_aspect_ratio:
            images = self._pad(images)
        return resize.resize(images, self.height, self.width, self.interpolation, self.antialias)

    def _pad(self, images):
        top, left = image_utils.pad_margins(*images.shape[1:3], self.height, self.width)
        if not top and not left:
            return images
        # Keras pads the same amount on both sides.
        return ops.pad(images, ((0, 0), (top, top), (left, left), (0, 0)), constant_values=self.fill_value)

    def compute_output_shape(self, input_shape):
        return self.sized_shape(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}
