"""Images from and to files, as in `keras.utils`: `load_img`, `img_to_array`, `array_to_img`, `save_img`, and the
resize that `image_dataset_from_directory` applies to every image.

Decoding and encoding go through Pillow (`pip install pillow`), imported on first use. Arrays are channels-last
(height, width, channels) and float32 unless asked otherwise.

The resize follows `keras.ops.image.resize` (half-pixel centres, no antialiasing by default): along each axis,
output pixel i of n samples the input of length m around s = (i + 0.5) * m / n - 0.5 with the method's kernel, the
weights normalised to sum to 1. An axis is resized by one matrix product with its (m, n) weight matrix;
`resize_weights` makes that matrix, and the Resizing layer uses the same one.
"""

import functools
import io
import math
import os
import pathlib
import warnings

import numpy as np

from kcore import config
from kcore.errors import ConfigError, DTypeError, MissingDependencyError, ShapeError

COLOR_MODES = {"grayscale": 1, "rgb": 3, "rgba": 4}
RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")
_PIL_FILTERS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def require_pillow():
    try:
        from PIL import Image
    except ImportError:
        raise MissingDependencyError("Reading and writing image files needs Pillow: pip install pillow "
                                     "(or pip install \"kcore[image]\").") from None
    return Image


def _triangle(d):
    return np.maximum(0.0, 1.0 - d)


def _keys_cubic(d):
    near = ((1.5 * d - 2.5) * d) * d + 1.0
    far = ((-0.5 * d + 2.5) * d - 4.0) * d + 2.0
    return np.where(d >= 2.0, 0.0, np.where(d >= 1.0, far, near))


def _lanczos(radius):
    def kernel(d):
        safe = np.where(d > 1e-3, d, 1.0)
        value = radius * np.sin(math.pi * safe) * np.sin(math.pi * safe / radius) / (math.pi ** 2 * safe ** 2)
        return np.where(d > radius, 0.0, np.where(d > 1e-3, value, 1.0))
    return kernel


_KERNELS = {"bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0)}


@functools.lru_cache(maxsize=64)
def resize_weights(size_in, size_out, method="bilinear", antialias=False):
    """The (size_in, size_out) float64 matrix that resizes one axis ("bilinear", "bicubic", "lanczos3" or
    "lanczos5"). With `antialias`, a downsampling kernel is widened by size_in / size_out so every input counts.
    The array is shared between callers: do not write to it."""
    scale = size_out / size_in
    spread = max(1 / scale, 1.0) if antialias else 1.0
    points = (np.arange(size_out, dtype="float64") + 0.5) / scale - 0.5
    distance = np.abs(points[None, :] - np.arange(size_in, dtype="float64")[:, None]) / spread
    weights = _KERNELS[method](distance)
    total = weights.sum(axis=0, keepdims=True)
    weights = np.where(np.abs(total) > 1000 * 1.1920929e-07, weights / np.where(total != 0, total, 1), 0.0)
    inside = (points >= -0.5) & (points <= size_in - 0.5)
    weights = np.where(inside[None, :], weights, 0.0)
    weights.flags.writeable = False
    return weights


def nearest_indices(size_in, size_out):
    """Which input pixel each of `size_out` output pixels copies under "nearest" (half-pixel centres)."""
    return np.floor((np.arange(size_out, dtype="float32") + 0.5) * (size_in / size_out)).astype("int64")


def resize_image(image, size, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False):
    """A (height, width, channels) array resized to `size` = (height, width), in float32, as
    `keras.ops.image.resize` does. `crop_to_aspect_ratio` first crops the largest centred window of the target's
    aspect ratio; `pad_to_aspect_ratio` first pads with zeros, the same amount on both sides, to it.

    Example:
        >>> resize_image(np.arange(4, dtype="float32").reshape(1, 4, 1), (1, 2))[0, :, 0]
        array([0.5, 2.5], dtype=float32)
    """
    if interpolation not in RESIZE_METHODS:
        raise ConfigError(f"Unknown interpolation {interpolation!r}; expected one of {RESIZE_METHODS}.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ConfigError("Only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be True.")
    image = np.asarray(image, dtype="float32")
    height, width = size
    if crop_to_aspect_ratio:
        image = _aspect_crop(image, height, width)
    elif pad_to_aspect_ratio:
        image = _aspect_pad(image, height, width)
    for axis, size_out in ((0, height), (1, width)):
        size_in = image.shape[axis]
        if size_in == size_out:
            continue
        if interpolation == "nearest":
            image = np.take(image, nearest_indices(size_in, size_out), axis=axis)
            continue
        matrix = resize_weights(size_in, size_out, interpolation).astype("float32")
        image = np.moveaxis(np.tensordot(image, matrix, axes=([axis], [0])), -1, axis)
    return np.ascontiguousarray(image, dtype="float32")


def crop_window(h, w, height, width):
    """(top, left, crop_h, crop_w): the largest centred window of an h x w image with the aspect ratio
    height:width, as Keras computes it."""
    crop_h = max(min(h, int(float(w * height) / width)), 1)
    crop_w = max(min(w, int(float(h * width) / height)), 1)
    return int(float(h - crop_h) / 2), int(float(w - crop_w) / 2), crop_h, crop_w


def pad_margins(h, w, height, width):
    """(top, left): the rows and columns Keras adds on each side to pad an h x w image to the aspect ratio
    height:width."""
    pad_h = max(h, int(float(w * height) / width))
    pad_w = max(w, int(float(h * width) / height))
    return int(float(pad_h - h) / 2), int(float(pad_w - w) / 2)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last"):
    """An image (height, width, channels) or a batch of them resized to `size` without distorting it: the largest
    centred window of the target's aspect ratio is cropped, then resized (as `keras.preprocessing.image.
    smart_resize`). Returns float32.

    Example:
        >>> smart_resize(np.zeros((30, 60, 3)), (20, 20)).shape
        (20, 20, 3)
    """
    data_format = standardize_data_format(data_format)
    x = np.asarray(x)
    if x.ndim not in (3, 4) or len(size) != 2:
        raise ShapeError(f"smart_resize takes an image (height, width, channels) or a batch of them, and size = "
                         f"(height, width); received shape {x.shape} and size {size!r}.")
    first = data_format == "channels_first"
    images = x if x.ndim == 4 else x[None]
    if first:
        images = np.moveaxis(images, 1, -1)
    resized = np.stack([resize_image(image, size, interpolation, crop_to_aspect_ratio=True) for image in images])
    if first:
        resized = np.moveaxis(resized, -1, 1)
    return resized if x.ndim == 4 else resized[0]


def _aspect_crop(image, height, width):
    top, left, crop_h, crop_w = crop_window(*image.shape[:2], height, width)
    return image[top:top + crop_h, left:left + crop_w]


def _aspect_pad(image, height, width):
    top, left = pad_margins(*image.shape[:2], height, width)
    return np.pad(image, ((top, top), (left, left), (0, 0)))


def _open(path):
    Image = require_pillow()
    if isinstance(path, io.BytesIO):
        return Image.open(path)
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise DTypeError(f"load_img takes a file path or an io.BytesIO; received {type(path).__name__}.")
    with open(path, "rb") as file:
        data = io.BytesIO(file.read())
    try:
        image = Image.open(data)
        image.load()
    except Exception as error:  # Pillow raises several types for a file it cannot decode
        raise ConfigError(f"Could not decode the image file {os.fspath(path)!r} ({error}). Is it a complete "
                          f"BMP, GIF, JPEG or PNG file?") from None
    return image


def _convert(image, color_mode):
    if color_mode not in COLOR_MODES:
        raise ConfigError(f"Unknown color_mode {color_mode!r}; expected 'grayscale', 'rgb' or 'rgba'.")
    if color_mode == "grayscale":
        # 8-, 16- and 32-bit grayscale images are kept as they are; anything else becomes 8-bit grayscale
        return image if image.mode in ("L", "I;16", "I") else image.convert("L")
    wanted = color_mode.upper()
    return image if image.mode == wanted else image.convert(wanted)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """A PIL image read from `path` (or an io.BytesIO), converted to `color_mode` ("grayscale", "rgb" or "rgba")
    and, when `target_size` = (height, width) is given, resized with Pillow's `interpolation` ("nearest",
    "bilinear", "bicubic", "hamming", "box" or "lanczos"); `keep_aspect_ratio` first crops the largest centred
    window of the target's aspect ratio. As `keras.utils.load_img`.

    Example:
        >>> image = load_img("cat.jpg", target_size=(180, 180))
        >>> img_to_array(image).shape
        (180, 180, 3)
    """
    image = _convert(_open(path), color_mode)
    if target_size is None:
        return image
    if interpolation not in _PIL_FILTERS:
        raise ConfigError(f"Unknown interpolation {interpolation!r} for load_img; expected one of {_PIL_FILTERS}.")
    height, width = target_size
    if image.size == (width, height):
        return image
    resample = getattr(require_pillow().Resampling, interpolation.upper())
    box = None
    if keep_aspect_ratio:
        w, h = image.size
        crop_h, crop_w = min(h, (w * height) // width), min(w, (h * width) // height)
        top, left = (h - crop_h) // 2, (w - crop_w) // 2
        box = (left, top, left + crop_w, top + crop_h)
    return image.resize((width, height), resample, box=box)


def img_to_array(img, data_format=None, dtype=None):
    """A PIL image (or any array-like image) as a (height, width, channels) array of `dtype`; a grayscale image
    gets a channel axis of 1. With data_format="channels_first" (default: kcore's image_data_format), (channels,
    height, width); `dtype` defaults to kcore's floatx.

    Example:
        >>> img_to_array(array_to_img(np.zeros((2, 3, 1)))).shape
        (2, 3, 1)
    """
    data_format = standardize_data_format(data_format)
    array = np.asarray(img, dtype=dtype or config.floatx())
    if array.ndim == 2:
        array = array[:, :, None]
    elif array.ndim != 3:
        raise ShapeError(f"img_to_array takes a single image of rank 2 or 3; received shape {array.shape}.")
    return array.transpose(2, 0, 1) if data_format == "channels_first" else array


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A (height, width, channels) array with 1, 3 or 4 channels as a PIL image. With `scale`, values are first
    stretched to 0-255 (minimum to 0, maximum to 255); otherwise they are taken as 0-255 already.

    Example:
        >>> array_to_img(np.random.rand(8, 8, 3)).size
        (8, 8)
    """
    data_format = standardize_data_format(data_format)
    Image = require_pillow()
    x = np.array(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ShapeError(f"array_to_img takes a single image of rank 3 (height, width, channels); received shape "
                         f"{x.shape}.")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x -= x.min()
        if x.max() != 0:
            x /= x.max()
        x *= 255
    channels = x.shape[2]
    if channels in (3, 4):
        return Image.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if x.max() > 255:  # beyond 8 bits: a 32-bit integer grayscale image
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ShapeError(f"array_to_img takes 1, 3 or 4 channels; received {channels}.")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Writes the image array `x` to `path` (the format from `file_format`, or else from the path's suffix);
    other keyword arguments go to Pillow's `Image.save` (e.g. quality=90 for JPEG)."""
    if file_format is None and isinstance(path, (str, os.PathLike)):
        file_format = pathlib.Path(path).suffix[1:].lower() or None
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    image = array_to_img(x, data_format=data_format, scale=scale)
    if image.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("JPEG has no alpha channel: the RGBA image is saved as RGB.", stacklevel=2)
        image = image.convert("RGB")
    image.save(path, format=file_format, **kwargs)


def standardize_data_format(data_format):
    """`data_format`, or kcore's configured image_data_format when None."""
    data_format = config.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ConfigError(f"data_format must be 'channels_last' or 'channels_first'; received {data_format!r}.")
    return data_format
