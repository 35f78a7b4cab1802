"""GaussianNoise: additive noise while training."""

from kcore import ops, random
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.seeding import seed_generator


class GaussianNoise(Layer):
    """While training, adds zero-centred normal noise of standard deviation `stddev`; at inference, returns the
    inputs. A regulariser, and a way to make a model robust to small input perturbations.

    Example:
        >>> layer = GaussianNoise(0.1, seed=0)
        >>> x = np.zeros((2, 3), "float32")
        >>> bool((layer(x, training=False) == 0).all()), bool((layer(x, training=True) != 0).all())
        (True, True)
    """

    supports_masking = True

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.stddev = checks.number(where, "stddev", stddev, low=0)
        self.seed = checks.seed(where, seed)
        self.seed_generator = seed_generator(self.seed)

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        inputs = checks.floating(inputs, self.dtype)
        return ops.add(inputs, random.normal(inputs.shape, stddev=self.stddev, dtype=inputs.dtype,
                                             seed=self.seed_generator))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
