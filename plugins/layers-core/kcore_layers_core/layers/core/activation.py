"""Activation: an activation function as a layer."""

from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.serialization import activation as get_activation
from kcore_layers_core.serialization import serialize


class Activation(Layer):
    """Applies `activation` (a name or a function) to its inputs.

    Example:
        >>> Activation("relu")(np.array([[-1.0, 2.0]], "float32"))
        array([[0., 2.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = get_activation(activation, f"{checks.describe(self)}: `activation`")

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": serialize(self.activation, "activation")}
