"""AlphaDropout: dropout that keeps the mean and variance of SELU activations."""

from kcore import ops, random
from kcore.errors import ConfigError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.seeding import seed_generator

_ALPHA = 1.6732632423543772848170429916717  # SELU's alpha and scale
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """While training, sets each entry with probability `rate` to SELU's negative saturation value
    `-alpha * scale`, then applies the affine map `a * x + b` that restores zero mean and unit variance for
    standardised inputs (Klambauer et al., 2017); at inference, returns the inputs unchanged.

    Example:
        >>> layer = AlphaDropout(0.2, seed=0)
        >>> layer(np.ones((1, 3), "float32"), training=False)
        array([[1., 1., 1.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.rate = checks.number(where, "rate", rate, low=0, high=1, high_inclusive=False)
        if noise_shape is not None and (not isinstance(noise_shape, (list, tuple)) or any(
                d is not None and (isinstance(d, bool) or not isinstance(d, int) or d <= 0) for d in noise_shape)):
            raise ConfigError(f"{where}: `noise_shape` must be a tuple of positive ints and None, or None. "
                              f"Received: noise_shape={noise_shape!r}")
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = checks.seed(where, seed)
        self.seed_generator = seed_generator(self.seed)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        inputs = checks.floating(inputs, self.dtype)
        shape = tuple(inputs.shape) if self.noise_shape is None else tuple(
            inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        kept = ops.cast(ops.greater_equal(random.uniform(shape, dtype=self.dtype, seed=self.seed_generator),
                                          self.rate), self.dtype)
        saturation = -_ALPHA * _SCALE
        a = ((1 - self.rate) * (1 + self.rate * saturation ** 2)) ** -0.5
        b = -a * saturation * self.rate
        dropped = ops.add(ops.multiply(inputs, kept), ops.multiply(saturation, ops.subtract(1.0, kept)))
        return ops.add(ops.multiply(a, dropped), b)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape)}
