"""RandomZoom: zoom images in or out by a random amount while training."""

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


class RandomZoom(ImageLayer):
    """While training, zooms each image about its centre: the height by `1 + h` with h drawn uniformly from
    `height_factor` (a number f: [-f, f]; a pair: [lower, upper]; each in (-1, 1]), the width likewise from
    `width_factor`, or by the height's amount when `width_factor` is None (aspect ratio kept). A positive
    amount zooms out (the image shrinks, borders filled by `fill_mode`), a negative one zooms in. At
    inference, returns the images.

    Example:
        >>> layer = RandomZoom((-0.5, -0.5), fill_mode="constant", interpolation="nearest")  # 2x zoom in
        >>> image = np.arange(16, dtype="float32").reshape(4, 4, 1)
        >>> layer(image, training=True)[..., 0]
        array([[ 5.,  5.,  6.,  6.],
               [ 5.,  5.,  6.,  6.],
               [ 9.,  9., 10., 10.],
               [ 9.,  9., 10., 10.]], dtype=float32)
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        height_factor, width_factor = keras_value(height_factor), keras_value(width_factor)
        self.height_lower, self.height_upper = factor_range(where, "height_factor", height_factor, -1.0, 1.0, False)
        if width_factor is not None:
            self.width_lower, self.width_upper = factor_range(where, "width_factor", width_factor, -1.0, 1.0, False)
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
        zoom_y = self.uniform((n,), 1 + self.height_lower, 1 + self.height_upper)
        zoom_x = zoom_y if self.width_factor is None else self.uniform((n,), 1 + self.width_lower,
                                                                        1 + self.width_upper)
        zeros = xp.zeros_like(zoom_y)
        transforms = xp.stack([zoom_x, zeros, (width - 1) / 2 * (1 - zoom_x),
                               zeros, zoom_y, (height - 1) / 2 * (1 - zoom_y), zeros, zeros], axis=1)
        return affine_transform(images, transforms, self.interpolation, self.fill_mode, self.fill_value)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor,
                "fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                "fill_value": self.fill_value}
