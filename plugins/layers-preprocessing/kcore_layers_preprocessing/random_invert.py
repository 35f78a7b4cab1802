"""RandomInvert: invert the colours of each image with a random probability while training."""

from kcore import ops
from kcore_layers_preprocessing.color import unit_factor
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe, seed_generator


class RandomInvert(ImageLayer):
    """While training, draws for each image a probability p uniformly from `factor` (a number f: [0, f]; a pair:
    [lower, upper]; each in [0, 1]; the default 1.0 gives p in [0, 1]) and, with probability p, maps each pixel
    x to `low + high - x`, (low, high) = `value_range`. At inference, returns the images.

    Example:
        >>> layer = RandomInvert(factor=(1.0, 1.0), value_range=(0, 255))  # always
        >>> layer(np.array([[[0.0], [200.0]]], "float32"), training=True)[..., 0]
        array([[255.,  55.]], dtype=float32)
    """

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.factor = unit_factor(where, "factor", factor)
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        shape = (images.shape[0], 1, 1, 1)
        probability = self.uniform(shape, *self.factor)
        apply = self.uniform(shape, 0.0, 1.0) < probability
        low, high = self.value_range
        return ops.where(apply, ops.subtract(low + high, images), images)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range),
                "seed": self.seed}
