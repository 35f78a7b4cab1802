"""RandomContrast: scale each channel's deviation from its mean by a random factor while training."""

from kcore import ops
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe, factor_range, seed_generator


class RandomContrast(ImageLayer):
    """While training, maps each pixel x of each channel of each image to `(x - mean) * c + mean` (mean over the
    image's pixels of that channel), with c drawn uniformly from [1 - lower, 1 + upper] (`factor` a number f:
    lower = upper = f; a pair (lower, upper); each in [0, 1]), then clips to `value_range`. At inference,
    returns the images.

    Example:
        >>> layer = RandomContrast(0.5, value_range=(0, 1), seed=0)
        >>> out = layer(np.array([[[0.25], [0.75]]], "float32"), training=True)
        >>> bool(abs(float(out.mean()) - 0.5) < 1e-6)  # the mean stays
        True
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        lower, upper = factor_range(where, "factor", factor, 0.0, 1.0)
        self.factor = (upper, upper) if lower == -upper else (lower, upper)  # a number f: [1 - f, 1 + f]
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        contrast = self.uniform((images.shape[0], 1, 1, 1), 1 - self.factor[0], 1 + self.factor[1])
        mean = ops.mean(images, axis=(1, 2), keepdims=True)
        out = ops.add(ops.multiply(ops.subtract(images, mean), contrast), mean)
        return ops.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range),
                "seed": self.seed}
