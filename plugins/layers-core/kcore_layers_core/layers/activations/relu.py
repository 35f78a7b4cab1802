"""ReLU: the rectified linear unit as a layer, with Keras's cap, slope and threshold."""

from kcore.layers.layer import Layer
from kcore_layers_core import activations, checks


class ReLU(Layer):
    """`max_value` where x >= max_value, x where threshold <= x < max_value, and `negative_slope * (x - threshold)`
    below the threshold. With the defaults, max(x, 0).

    Example:
        >>> ReLU(max_value=6.0)(np.array([[-1.0, 3.0, 9.0]], "float32"))
        array([[0., 3., 6.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.max_value = None if max_value is None else checks.number(where, "max_value", max_value, low=0)
        self.negative_slope = checks.number(where, "negative_slope", negative_slope, low=0)
        self.threshold = checks.number(where, "threshold", threshold)

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}
