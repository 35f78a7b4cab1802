"""RandomShear: shear images along x and y by random amounts while training."""

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


def shear_transforms(xp, shear_x, shear_y):
    """Keras's transforms (N, 8) reading output pixel (y, x) at `x + shear_x * y`, `shear_y * x + y` (about the
    top-left corner, as Keras's shear matrix [[1, s_x, 0], [s_y, 1, 0], [0, 0, 1]])."""
    ones, zeros = xp.ones_like(shear_x), xp.zeros_like(shear_x)
    return xp.stack([ones, shear_x, zeros, shear_y, ones, zeros, zeros, zeros], axis=1)


def shear_range(where, name, factor):
    """A number f in [0, 1] as (-f, f), as Keras's code has it; a pair as itself, sorted, each in [-1, 1]. (Keras
    refuses negatives in a pair, yet writes (-f, f) into its config; kcore takes them so configs round-trip.)"""
    factor = keras_value(factor)
    low = -1.0 if isinstance(factor, (list, tuple)) else 0.0
    return factor_range(where, name, factor, low, 1.0)


class RandomShear(ImageLayer):
    """While training, shears each image: an output pixel (y, x) reads the input at `(s_y * x + y, x + s_x * y)`
    with s_x, s_y drawn uniformly from `x_factor`, `y_factor` (a number f in [0, 1]: [-f, f]; a pair (lower,
    upper): itself) and both multiplied by one random sign per image, filling the uncovered area by
    `fill_mode` ("reflect", "wrap", "constant" with `fill_value`, "nearest") and reading pixels with
    `interpolation` ("bilinear" or "nearest"). At inference, returns the images.

    Example:
        >>> layer = RandomShear(x_factor=(1.0, 1.0), interpolation="nearest", fill_mode="constant", seed=0)
        >>> out = layer(np.ones((1, 2, 2, 1), "float32"), training=True)  # rows shift by one pixel, one way
        >>> sorted(out[0, :, :, 0].ravel().tolist())
        [0.0, 1.0, 1.0, 1.0]
    """

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.x_factor = shear_range(where, "x_factor", x_factor)
        self.y_factor = shear_range(where, "y_factor", y_factor)
        self.interpolation = choice(where, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_mode = choice(where, "fill_mode", fill_mode, FILL_MODES)
        self.fill_value = number(where, "fill_value", keras_value(fill_value))
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        n = images.shape[0]
        sign = (self.uniform((n,), 0.0, 1.0) > 0.5) * -2.0 + 1.0
        shear_y = self.uniform((n,), *self.y_factor) * sign
        shear_x = self.uniform((n,), *self.x_factor) * sign
        transforms = shear_transforms(backend.get().xp, shear_x, shear_y)
        return affine_transform(images, transforms, self.interpolation, self.fill_mode, self.fill_value)

    def get_config(self):
        return {**super().get_config(), "x_factor": list(self.x_factor), "y_factor": list(self.y_factor),
                "interpolation": self.interpolation, "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                "seed": self.seed}
