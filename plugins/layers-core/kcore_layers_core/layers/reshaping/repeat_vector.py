"""RepeatVector: repeat each sample n times along a new axis."""

from kcore import ops
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class RepeatVector(Layer):
    """Turns `(batch, features)` inputs into `(batch, n, features)`, each sample repeated `n` times (e.g. to feed
    one encoding to every step of a decoder).

    Example:
        >>> RepeatVector(3)(np.ones((2, 5), "float32")).shape
        (2, 3, 5)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = checks.positive_int(checks.describe(self), "n", n)

    def build(self, input_shape):
        checks.rank(checks.describe(self), input_shape, 2, "(batch, features)")

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
