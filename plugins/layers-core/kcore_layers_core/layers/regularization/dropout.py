"""Dropout: zero random entries while training."""

from kcore import random
from kcore.errors import ConfigError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.seeding import seed_generator


class Dropout(Layer):
    """While training, zeroes each entry with probability `rate` and scales the others by `1 / (1 - rate)`, so
    that the expected output equals the input; at inference, returns the input unchanged.

    Args:
        rate: the fraction of entries to drop, in [0, 1).
        noise_shape: the shape of the keep/drop mask, broadcast against the inputs; None entries take the input's
            size, e.g. `(None, 1, None)` drops the same features at every timestep.
        seed: an int for repeatable masks (the layer's seed generator still advances at each call).

    Example:
        >>> layer = Dropout(0.5, seed=0)
        >>> x = np.ones((1, 4), "float32")
        >>> layer(x, training=False)
        array([[1., 1., 1., 1.]], dtype=float32)
        >>> sorted(set(layer(x, training=True).ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
        True
    """

    supports_masking = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.rate = checks.number(where, "rate", rate, low=0, high=1, high_inclusive=False)
        if noise_shape is not None:
            if not isinstance(noise_shape, (list, tuple)) or any(
                    d is not None and (isinstance(d, bool) or not isinstance(d, int) or d <= 0) for d in noise_shape):
                raise ConfigError(f"{where}: `noise_shape` must be a tuple of positive ints or None. Received: "
                                  f"noise_shape={noise_shape!r}")
            noise_shape = tuple(noise_shape)
        self.noise_shape = noise_shape
        self.seed = checks.seed(where, seed)
        self.seed_generator = seed_generator(self.seed)

    def _noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        return tuple(inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        return random.dropout(checks.floating(inputs, self.dtype), self.rate, noise_shape=self._noise_shape(inputs),
                              seed=self.seed_generator)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": list(self.noise_shape) if self.noise_shape is not None else None}
