"""RandomSaturation: scale the saturation of each RGB image by a random amount while training."""

from kcore import ops
from kcore_layers_preprocessing.color import check_channels, from_unit, hsv_to_rgb, rgb_to_hsv, to_unit, unit_factor
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe, seed_generator

EPSILON = 1e-7  # Keras's backend epsilon: keeps f / (1 - f) finite at f = 1


class RandomSaturation(ImageLayer):
    """While training, draws f for each image uniformly from `factor` (a number f: [0, f]; a pair: [lower,
    upper]; each in [0, 1]), converts the image (RGB in `value_range`) to HSV, multiplies its saturation by
    `f / (1 - f + 1e-7)` and clips it to [0, 1], then converts back: f = 0 gives gray, f = 0.5 the image as it
    is, f = 1 full saturation. At inference, returns the images.

    Example:
        >>> layer = RandomSaturation(factor=(0.0, 0.0), value_range=(0, 1))  # always gray
        >>> layer(np.array([[[0.8, 0.4, 0.2]]], "float32"), training=True)
        array([[[0.8, 0.8, 0.8]]], dtype=float32)
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
        drawn = self.uniform((images.shape[0], 1, 1), *self.factor)
        scale = drawn / (1.0 - drawn + EPSILON)
        hue, saturation, value = ops.unstack(rgb_to_hsv(to_unit(images, self.value_range)), axis=-1)
        saturation = ops.clip(ops.multiply(saturation, scale), 0.0, 1.0)
        return from_unit(hsv_to_rgb(ops.stack([hue, saturation, value], axis=-1)), self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range),
                "seed": self.seed}
