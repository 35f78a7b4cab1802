"""RandomHue: rotate the hue of each RGB image by a random amount while training."""

from kcore import ops
from kcore_layers_preprocessing.color import check_channels, from_unit, hsv_to_rgb, rgb_to_hsv, to_unit, unit_factor
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe, seed_generator


class RandomHue(ImageLayer):
    """While training, draws f for each image uniformly from `factor` (a number f: [0, f]; a pair: [lower,
    upper]; each in [0, 1]) and a sign (+ or -, evenly), converts the image (RGB in `value_range`) to HSV, turns
    its hue by `sign * f / 2` of a full turn (wrapping around), converts back and clips to `value_range`:
    f = 0 leaves the image, f = 1 turns it by half the colour wheel. At inference, returns the images.

    Example:
        >>> layer = RandomHue(factor=(1.0, 1.0), value_range=(0, 1))  # half a turn: the complementary colour
        >>> layer(np.array([[[1.0, 0.0, 0.0]]], "float32"), training=True)
        array([[[0., 1., 1.]]], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.factor = unit_factor(where, "factor", factor)
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        check_channels(self, images)
        shape = (images.shape[0], 1, 1)
        sign = (self.uniform(shape, 0.0, 1.0) > 0.5) * -2.0 + 1.0
        turn = (sign * self.uniform(shape, *self.factor) * 0.5).astype(self.dtype)
        hue, saturation, value = ops.unstack(rgb_to_hsv(to_unit(images, self.value_range)), axis=-1)
        hue = ops.add(hue, turn)
        hue = ops.where(ops.greater(hue, 1.0), ops.subtract(hue, 1.0), hue)
        hue = ops.where(ops.less(hue, 0.0), ops.add(hue, 1.0), hue)
        rgb = ops.clip(hsv_to_rgb(ops.stack([hue, saturation, value], axis=-1)), 0.0, 1.0)
        return from_unit(rgb, self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range),
                "seed": self.seed}
