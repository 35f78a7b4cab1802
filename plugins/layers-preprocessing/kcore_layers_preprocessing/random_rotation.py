"""RandomRotation: rotate images by a random angle while training."""

import math

from kcore import backend
from kcore_layers_preprocessing.affine import affine_transform
from kcore_layers_preprocessing.image_layer import (
    FILL_MODES,
    INTERPOLATIONS,
    ImageLayer,
    choice,
    describe,
    factor_range,
    keras_value,
    number,
    seed_generator,
)


def rotation_transforms(xp, angles, height, width):
    """Keras's transforms (N, 8) rotating each image by `angles` (radians, counter-clockwise) about its centre."""
    cx, cy = (width - 1) / 2, (height - 1) / 2
    cos, sin = xp.cos(angles), xp.sin(angles)
    zeros = xp.zeros_like(angles)
    return xp.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos, zeros, zeros], axis=1)


class RandomRotation(ImageLayer):
    """While training, rotates each image about its centre by an angle drawn uniformly from
    `factor * 2 pi` (a number f: [-f, f]; a pair: [lower, upper]; positive is counter-clockwise), filling the
    corners by `fill_mode` ("reflect", "wrap", "constant" with `fill_value`, "nearest") and reading pixels with
    `interpolation` ("bilinear" or "nearest"). At inference, returns the images.

    Example:
        >>> layer = RandomRotation((0.25, 0.25), interpolation="nearest")  # always a quarter turn
        >>> image = np.arange(4, dtype="float32").reshape(2, 2, 1)
        >>> layer(image, training=True)[..., 0]
        array([[1., 3.],
               [0., 2.]], dtype=float32)
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.factor = factor_range(where, "factor", factor)
        self.fill_mode = choice(where, "fill_mode", fill_mode, FILL_MODES)
        self.interpolation = choice(where, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_value = number(where, "fill_value", keras_value(fill_value))
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        n, height, width, _ = images.shape
        turns = self.uniform((n,), *self.factor)
        transforms = rotation_transforms(backend.get().xp, turns * (2 * math.pi), height, width)
        return affine_transform(images, transforms, self.interpolation, self.fill_mode, self.fill_value)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "interpolation": self.interpolation, "seed": self.seed}
