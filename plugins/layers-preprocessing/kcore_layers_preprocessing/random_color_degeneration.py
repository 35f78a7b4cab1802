"""RandomColorDegeneration: move each RGB image toward (or away from) its grayscale version while training."""

from kcore import ops
from kcore_layers_preprocessing.color import check_channels, grayscale
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe, factor_range, seed_generator


class RandomColorDegeneration(ImageLayer):
    """While training, draws f for each image uniformly from `factor` and returns `x + f * (gray - x)` clipped
    to `value_range`, where gray is the image's luma `0.2989 R + 0.5870 G + 0.1140 B` in every channel: f = 0
    leaves the image, f = 1 makes it gray, f < 0 makes its colours stronger. As Keras 3.15's code has it (its
    docstring says [0, f]), a number f in [0, 1] means [-f, f] and a pair (lower, upper) in [-1, 1] itself.
    At inference, returns the images.

    Example:
        >>> layer = RandomColorDegeneration(factor=(1.0, 1.0))  # always fully gray
        >>> layer(np.array([[[0.0, 100.0, 0.0]]], "float32"), training=True)
        array([[[58.7, 58.7, 58.7]]], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.factor = factor_range(where, "factor", factor)
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        check_channels(self, images)
        amount = self.uniform((images.shape[0], 1, 1, 1), *self.factor)
        out = ops.add(images, ops.multiply(ops.subtract(grayscale(images), images), amount))
        return ops.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range),
                "seed": self.seed}
