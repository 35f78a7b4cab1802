"""RandomPosterization: keep only the top bits of each 8-bit colour value while training."""

import numbers

from kcore import ops, random
from kcore.errors import ConfigError
from kcore_layers_preprocessing.color import from_unit, to_unit
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe, keras_value, seed_generator


def bits_range(where, factor):
    """`factor` as (lower, upper) bits to keep: an int b means (b, b), a pair means itself, sorted; in [1, 8]."""
    factor = keras_value(factor)
    pair = list(factor) if isinstance(factor, (list, tuple)) else [factor, factor]
    if len(pair) != 2 or any(isinstance(b, bool) or not isinstance(b, numbers.Integral) or not 1 <= b <= 8
                             for b in pair):
        raise ConfigError(f"{where}: `factor` must be an int in [1, 8] (the bits to keep per channel) or a pair "
                          f"of them. Received: factor={factor!r}")
    lower, upper = sorted(int(b) for b in pair)
    return lower, upper


class RandomPosterization(ImageLayer):
    """While training, maps each image from `value_range` to [0, 255], truncates to 8-bit integers, keeps the
    top b bits of each (`(v >> (8 - b)) << (8 - b)`) and maps back, with b = `factor` (an int in [1, 8], or a
    pair (lower, upper): b drawn per image from lower..upper). At inference, returns the images.

    Example:
        >>> layer = RandomPosterization(factor=2)  # 2 bits: multiples of 64
        >>> layer(np.array([[[63.0], [200.0]]], "float32"), training=True)[..., 0]
        array([[  0., 192.]], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.factor = bits_range(where, factor)
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        lower, upper = self.factor
        bits = random.randint((images.shape[0], 1, 1, 1), lower, upper + 1, seed=self.seed_generator)
        step = ops.cast(2 ** (8 - bits), self.dtype)
        values = ops.floor(ops.clip(ops.multiply(to_unit(images, self.value_range), 255.0), 0.0, 255.0))
        kept = ops.multiply(ops.floor(ops.divide(values, step)), step)
        return from_unit(ops.divide(kept, 255.0), self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range),
                "seed": self.seed}
