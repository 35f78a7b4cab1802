"""RandomGrayscale: turn each image to gray with a given probability while training."""

from kcore import ops
from kcore_layers_preprocessing.color import check_channels, grayscale
from kcore_layers_preprocessing.image_layer import ImageLayer, describe, number, seed_generator


class RandomGrayscale(ImageLayer):
    """While training, replaces each image, with probability `factor` (in [0, 1]; one draw per image), by its
    luma `0.2989 R + 0.5870 G + 0.1140 B` in every channel, so the channel count stays (RGB or one-channel
    images). At inference, returns the images.

    Example:
        >>> layer = RandomGrayscale(factor=1.0)  # always
        >>> layer(np.array([[[0.0, 100.0, 0.0]]], "float32"), training=True)
        array([[[58.7, 58.7, 58.7]]], dtype=float32)
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.factor = number(where, "factor", factor, 0.0, 1.0)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        check_channels(self, images, (1, 3))
        apply = self.uniform((images.shape[0], 1, 1, 1), 0.0, 1.0) < self.factor
        return ops.where(apply, ops.broadcast_to(grayscale(images), images.shape), images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}
