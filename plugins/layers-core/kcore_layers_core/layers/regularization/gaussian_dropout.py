"""GaussianDropout: multiplicative noise while training."""

import math

from kcore import ops, random
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.seeding import seed_generator


class GaussianDropout(Layer):
    """While training, multiplies the inputs by normal noise of mean 1 and standard deviation
    `sqrt(rate / (1 - rate))` (the variance Dropout at `rate` would add); at inference, returns the inputs.

    Example:
        >>> GaussianDropout(0.2)(np.ones((2, 3), "float32"), training=False)
        array([[1., 1., 1.],
               [1., 1., 1.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.rate = checks.number(where, "rate", rate, low=0, high=1, high_inclusive=False)
        self.seed = checks.seed(where, seed)
        self.seed_generator = seed_generator(self.seed)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        inputs = checks.floating(inputs, self.dtype)
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return ops.multiply(inputs, random.normal(inputs.shape, mean=1.0, stddev=stddev, dtype=inputs.dtype,
                                                  seed=self.seed_generator))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
