"""LeakyReLU: a rectifier with a small slope for negative inputs."""

from kcore import ops
from kcore.layers.layer import Layer, warn_legacy
from kcore_layers_core import checks


class LeakyReLU(Layer):
    """x for x >= 0, else `negative_slope * x`.

    Example:
        >>> LeakyReLU(negative_slope=0.5)(np.array([[-2.0, 3.0]], "float32"))
        array([[-1.,  3.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # the Keras 2 name
            warn_legacy("LeakyReLU(alpha=...)", "LeakyReLU(negative_slope=...)")
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = checks.number(checks.describe(self), "negative_slope", negative_slope, low=0)

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}
