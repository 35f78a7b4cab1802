"""RandomSharpness: blend each image with a blurred copy by a random amount, blurring or sharpening it."""

from kcore import ops
from kcore_layers_preprocessing.color import unit_factor
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe, seed_generator

# Keras's (and PIL's) smoothing kernel: 5/13 at the centre, 1/13 at each of the 8 neighbours
CENTRE, NEIGHBOUR = 5.0 / 13.0, 1.0 / 13.0


def smooth(images):
    """Each channel of a channels-last batch convolved with the 3x3 smoothing kernel, zero padded ("same")."""
    height, width = images.shape[1], images.shape[2]
    padded = ops.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)))
    total = ops.multiply(images, CENTRE)
    for dy in range(3):
        for dx in range(3):
            if (dy, dx) != (1, 1):
                window = ops.get_item(padded, (slice(None), slice(dy, dy + height), slice(dx, dx + width)))
                total = ops.add(total, ops.multiply(window, NEIGHBOUR))
    return total


class RandomSharpness(ImageLayer):
    """While training, draws f for each image uniformly from `factor` (a number f: [0, f]; a pair: [lower,
    upper]; each in [0, 1]) and returns `x + (1 - 2 f) * (smoothed - x)` clipped to `value_range`, where
    `smoothed` is x convolved with Keras's 3x3 smoothing kernel (zero padded at the border): f = 0 gives the
    blurred image, f = 0.5 the image as it is, f = 1 a sharpened one. At inference, returns the images.

    Example:
        >>> layer = RandomSharpness(factor=(0.5, 0.5))  # the identity
        >>> images = np.full((1, 3, 3, 1), 100.0, "float32")
        >>> bool((layer(images, training=True) == images).all())
        True
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.factor = unit_factor(where, "factor", factor)
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        blend = 1.0 - 2.0 * self.uniform((images.shape[0], 1, 1, 1), *self.factor)
        out = ops.add(images, ops.multiply(ops.subtract(smooth(images), images), blend))
        return ops.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range),
                "seed": self.seed}
