"""What the colour layers share: Keras's factor in [0, 1], the move to and from a unit value range, RGB checks,
grayscale and the RGB <-> HSV conversions (Keras's formulas, from dm_pix), all on channels-last batches with the
ops of `kcore.ops`, so gradients flow through them."""

from kcore import ops
from kcore.errors import ShapeError
from kcore_layers_preprocessing.image_layer import describe, factor_range

GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)  # ITU-R 601 luma, as tf.image.rgb_to_grayscale and Keras


def unit_factor(where, name, factor):
    """A Keras factor in [0, 1] as (lower, upper): a number f means (0, f), a pair means itself, sorted."""
    lower, upper = factor_range(where, name, factor, 0.0, 1.0)
    return max(lower, 0.0), upper


def to_unit(images, value_range):
    """`images` mapped from `value_range` onto [0, 1]."""
    low, high = value_range
    return images if (low, high) == (0.0, 1.0) else ops.divide(ops.subtract(images, low), high - low)


def from_unit(images, value_range):
    """`images` mapped from [0, 1] back onto `value_range`."""
    low, high = value_range
    return images if (low, high) == (0.0, 1.0) else ops.add(ops.multiply(images, high - low), low)


def check_channels(layer, images, allowed=(3,)):
    """Refuse a channel count the layer cannot colour-convert (it reads the channels as R, G, B)."""
    if images.shape[-1] not in allowed:
        names = " or ".join(str(a) for a in allowed)
        raise ShapeError(f"{describe(layer)} expects RGB images with {names} channels; received "
                         f"{images.shape[-1]} channels (shape {tuple(images.shape)} channels-last). Pass RGB "
                         f"images, or check `data_format`.")


def grayscale(images):
    """The luma of each RGB pixel, kept as one channel (N, H, W, 1); a one-channel batch is returned as it is."""
    if images.shape[-1] == 1:
        return images
    weights = ops.convert_to_tensor([[w] for w in GRAY_WEIGHTS], dtype=images.dtype)
    return ops.matmul(images, weights)


def channels(images):
    return [ops.get_item(images, (Ellipsis, i)) for i in range(3)]


def rgb_to_hsv(images):
    """RGB in [0, 1] to HSV, each in [0, 1] (hue in turns; 0 for gray pixels)."""
    red, green, blue = channels(images)
    value = ops.maximum(ops.maximum(red, green), blue)
    spread = ops.subtract(value, ops.minimum(ops.minimum(red, green), blue))
    lit, coloured = ops.greater(value, 0.0), ops.greater(spread, 0.0)
    saturation = ops.where(lit, ops.divide(spread, ops.where(lit, value, 1.0)), 0.0)
    norm = ops.divide(1.0, ops.multiply(ops.where(coloured, spread, 1.0), 6.0))
    hue = ops.where(ops.equal(value, green), ops.add(ops.multiply(norm, ops.subtract(blue, red)), 2.0 / 6.0),
                    ops.add(ops.multiply(norm, ops.subtract(red, green)), 4.0 / 6.0))
    hue = ops.where(ops.equal(value, red), ops.multiply(norm, ops.subtract(green, blue)), hue)
    hue = ops.where(coloured, ops.where(ops.less(hue, 0.0), ops.add(hue, 1.0), hue), 0.0)
    return ops.stack([hue, saturation, value], axis=-1)


def hsv_to_rgb(images):
    """HSV (hue in turns, taken modulo 1) to RGB."""
    hue, saturation, value = channels(images)
    turns = ops.multiply(ops.mod(hue, 1.0), 6.0)

    def ramp(offset, rising):
        distance = ops.abs(ops.subtract(turns, offset))
        return ops.clip(ops.subtract(distance, 1.0) if rising else ops.subtract(2.0, distance), 0.0, 1.0)

    gray = ops.subtract(1.0, saturation)
    return ops.stack([ops.multiply(value, ops.add(gray, ops.multiply(saturation, ramp(offset, rising))))
                      for offset, rising in ((3.0, True), (2.0, False), (4.0, False))], axis=-1)
