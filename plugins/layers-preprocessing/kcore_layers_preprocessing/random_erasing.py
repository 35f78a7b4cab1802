"""RandomErasing: replace a random rectangle of each image by a fill value while training."""

import numbers

from kcore import backend, ops, random
from kcore.errors import ConfigError
from kcore_layers_preprocessing.color import unit_factor
from kcore_layers_preprocessing.image_layer import (
    ImageLayer,
    check_value_range,
    describe,
    keras_value,
    number,
    seed_generator,
)


def check_fill_value(where, fill_value):
    """None (Gaussian noise), a number, or one number per RGB channel, as Keras takes them."""
    fill_value = keras_value(fill_value)
    if fill_value is None:
        return None
    if isinstance(fill_value, (list, tuple)):
        if len(fill_value) != 3:
            raise ConfigError(f"{where}: `fill_value` must be None, a number or a list of three numbers (one per "
                              f"RGB channel). Received: fill_value={fill_value!r}")
        return [number(where, "fill_value", v) for v in fill_value]
    if isinstance(fill_value, bool) or not isinstance(fill_value, numbers.Real):
        raise ConfigError(f"{where}: `fill_value` must be None, a number or a list of three numbers. Received: "
                          f"fill_value={fill_value!r}")
    return number(where, "fill_value", fill_value)


class RandomErasing(ImageLayer):
    """While training, erases one rectangle of each image with probability p, p drawn per image from `factor` (a
    number f: [0, f]; a pair: [lower, upper]; each in [0, 1]). The rectangle's sides are `sqrt(s) * width` and
    `sqrt(s') * height`, s and s' drawn uniformly from `scale` (a pair in [0, 1]), at a uniformly drawn place
    inside the image; a pixel (y, x) is inside when `x0 <= x < x1` and `y0 <= y < y1`. Its pixels become
    `fill_value` (a number, one per RGB channel, or None: Gaussian noise times `value_range[1]`), clipped to
    `value_range`. At inference, returns the images.

    Example:
        >>> layer = RandomErasing(factor=(1.0, 1.0), scale=(1.0, 1.0), fill_value=7.0)  # the whole image
        >>> layer(np.ones((1, 2, 2, 1), "float32"), training=True)[0, ..., 0]
        array([[7., 7.],
               [7., 7.]], dtype=float32)
    """

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.factor = unit_factor(where, "factor", factor)
        self.scale = unit_factor(where, "scale", scale)
        self.fill_value = check_fill_value(where, fill_value)
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def _bounds(self, n, length, share):
        """Start and end (pixel units) of a segment `share * length` long, placed uniformly inside [0, length]."""
        size = share * length
        start = self.uniform((n,), 0.0, 1.0) * (length - size)
        return start[:, None, None, None], (start + size)[:, None, None, None]

    def transform(self, images):
        xp = backend.get().xp
        n, height, width, _ = images.shape
        shares = xp.sqrt(self.uniform((n, 2), *self.scale))
        x0, x1 = self._bounds(n, width, shares[:, 0])
        y0, y1 = self._bounds(n, height, shares[:, 1])
        apply = self.uniform((n,), 0.0, 1.0) < self.uniform((n,), *self.factor)
        ys = xp.arange(height, dtype=images.dtype)[None, :, None, None]
        xs = xp.arange(width, dtype=images.dtype)[None, None, :, None]
        erase = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1) & apply[:, None, None, None]
        low, high = self.value_range
        if self.fill_value is None:
            fill = random.normal(images.shape, dtype=self.dtype, seed=self.seed_generator) * high
        else:
            fill = xp.asarray(self.fill_value, dtype=images.dtype)
        fill = xp.clip(fill, low, high).astype(images.dtype)
        return ops.where(xp.broadcast_to(erase, images.shape), fill, images)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "scale": list(self.scale),
                "fill_value": self.fill_value, "value_range": list(self.value_range), "seed": self.seed}
