"""RandomBrightness: add a random amount to every pixel of each image while training."""

from kcore import ops
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe, factor_range, seed_generator


class RandomBrightness(ImageLayer):
    """While training, adds `d * (high - low)` to every pixel of each image, with d drawn uniformly from
    `factor` (a number f: [-f, f]; a pair: [lower, upper]; each in [-1, 1]) and (low, high) = `value_range`,
    then clips to `value_range`. At inference, returns the images.

    Example:
        >>> layer = RandomBrightness((0.5, 0.5), value_range=(0, 1))  # always half the range brighter
        >>> layer(np.array([[[0.2], [0.7]]], "float32"), training=True)[..., 0]
        array([[0.7, 1. ]], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.factor = factor_range(where, "factor", factor)
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        low, high = self.value_range
        delta = self.uniform((images.shape[0], 1, 1, 1), *self.factor) * (high - low)
        return ops.clip(ops.add(images, delta), low, high)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range),
                "seed": self.seed}
