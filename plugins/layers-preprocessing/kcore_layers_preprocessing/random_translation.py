"""RandomTranslation: shift images by a random offset while training."""

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


class RandomTranslation(ImageLayer):
    """While training, shifts each image down by `h * height` and right by `w * width` pixels, with h drawn
    uniformly from `height_factor` and w from `width_factor` (a number f: [-f, f]; a pair: [lower, upper];
    each in [-1, 1]), filling the uncovered part by `fill_mode`. At inference, returns the images.

    Example:
        >>> layer = RandomTranslation(0, (0.25, 0.25), fill_mode="constant")  # one pixel right of 4
        >>> layer(np.arange(4, dtype="float32").reshape(1, 4, 1), training=True)[..., 0]
        array([[0., 0., 1., 2.]], dtype=float32)
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        height_factor, width_factor = keras_value(height_factor), keras_value(width_factor)
        self.height_lower, self.height_upper = factor_range(where, "height_factor", height_factor)
        self.width_lower, self.width_upper = factor_range(where, "width_factor", width_factor)
        self.height_factor = list(height_factor) if isinstance(height_factor, (list, tuple)) else height_factor
        self.width_factor = list(width_factor) if isinstance(width_factor, (list, tuple)) else width_factor
        self.fill_mode = choice(where, "fill_mode", fill_mode, FILL_MODES)
        self.interpolation = choice(where, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_value = number(where, "fill_value", keras_value(fill_value))
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        xp = backend.get().xp
        n, height, width, _ = images.shape
        dy = self.uniform((n,), self.height_lower, self.height_upper) * height
        dx = self.uniform((n,), self.width_lower, self.width_upper) * width
        ones, zeros = xp.ones_like(dy), xp.zeros_like(dy)
        transforms = xp.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)
        return affine_transform(images, transforms, self.interpolation, self.fill_mode, self.fill_value)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor,
                "fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                "fill_value": self.fill_value}
