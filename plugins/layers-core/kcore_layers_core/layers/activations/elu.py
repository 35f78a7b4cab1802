"""ELU: the exponential linear unit as a layer."""

from kcore import ops
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class ELU(Layer):
    """x for x > 0, else `alpha * (exp(x) - 1)`.

    Example:
        >>> ELU()(np.array([[0.0, 2.0]], "float32"))
        array([[0., 2.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = checks.number(checks.describe(self), "alpha", alpha)

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
