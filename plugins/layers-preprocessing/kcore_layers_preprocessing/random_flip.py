"""RandomFlip: mirror images left-right and/or top-bottom while training."""

from kcore import ops
from kcore_layers_preprocessing.image_layer import ImageLayer, choice, describe, seed_generator

MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(ImageLayer):
    """While training, flips each image with probability 1/2: left-right ("horizontal"), top-bottom
    ("vertical"), or both at once ("horizontal_and_vertical", one draw per image, as Keras). At inference,
    returns the images (cast to the layer's float dtype).

    Example:
        >>> layer = RandomFlip("horizontal", seed=0)
        >>> images = np.arange(8, dtype="float32").reshape(2, 1, 4, 1)
        >>> out = layer(images, training=True)
        >>> all((o == i).all() or (o == i[:, ::-1]).all() for o, i in zip(out, images))
        True
    """

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.mode = choice(describe(self), "mode", mode, MODES)
        self.seed = seed
        self.seed_generator = seed_generator(describe(self), seed)

    def transform(self, images):
        flips = self.uniform((images.shape[0], 1, 1, 1), 0.0, 1.0) <= 0.5
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            images = ops.where(flips, ops.flip(images, axis=2), images)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            images = ops.where(flips, ops.flip(images, axis=1), images)
        return images

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "seed": self.seed}
