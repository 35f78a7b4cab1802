"""Solarization: invert the pixels above a random threshold, after adding a random amount, while training."""

from kcore import ops
from kcore_layers_preprocessing.color import from_unit, to_unit, unit_factor
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe, seed_generator


class Solarization(ImageLayer):
    """While training, draws for each image an addition a from `addition_factor` and a threshold t from
    `threshold_factor` (each a number f: [0, f]; or a pair [lower, upper]; in [0, 1], fractions of
    `value_range`), adds a to every pixel, clips to the range, and inverts the pixels at or above t
    (`x -> high + low - x`). The defaults (0, 0) invert every pixel. At inference, returns the images.

    Example:
        >>> layer = Solarization(threshold_factor=(0.5, 0.5), value_range=(0, 1))  # invert pixels >= 0.5
        >>> layer(np.array([[[0.25], [0.75]]], "float32"), training=True)[..., 0]
        array([[0.25, 0.25]], dtype=float32)
    """

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.addition_factor = unit_factor(where, "addition_factor", addition_factor)
        self.threshold_factor = unit_factor(where, "threshold_factor", threshold_factor)
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        shape = (images.shape[0], 1, 1, 1)
        additions = self.uniform(shape, *self.addition_factor)
        thresholds = self.uniform(shape, *self.threshold_factor)
        shifted = ops.clip(ops.add(to_unit(images, self.value_range), additions), 0.0, 1.0)
        solarized = ops.where(ops.less(shifted, thresholds), shifted, ops.subtract(1.0, shifted))
        return from_unit(solarized, self.value_range)

    def get_config(self):
        return {**super().get_config(), "addition_factor": list(self.addition_factor),
                "threshold_factor": list(self.threshold_factor), "value_range": list(self.value_range),
                "seed": self.seed}
