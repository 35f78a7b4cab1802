"""ScaledDense: a dense layer with an equalized learning rate."""

import math

from kcore import activations, ops, random
from kcore.errors import ConfigError, ShapeError
from kcore.layers import Layer


def _standard_normal(shape, dtype=None):
    return random.normal(shape, dtype=dtype)


def _zeros(shape, dtype=None):
    return ops.zeros(shape, dtype=dtype)


class ScaledDense(Layer):
    """`activation(inputs @ kernel * gain / sqrt(fan_in) + bias)`, with the kernel drawn from N(0, 1).

    The scaling happens at run time instead of at initialization (the "equalized learning rate" of Karras et
    al., 2018), so every weight learns at the same pace whatever the layer's width.

    Args:
        units: the size of the last axis of the output.
        activation: the name of an activation (e.g. "relu"), or None for none.
        use_bias: whether to add a learned bias.
        gain: the constant the normalized kernel is multiplied by.

    Example:
        >>> layer = ScaledDense(4, activation="relu")
        >>> layer(np.ones((2, 3), "float32")).shape
        (2, 4)
    """

    def __init__(self, units, activation=None, use_bias=True, gain=1.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ConfigError(f"ScaledDense '{self.name}': `units` must be a positive int. Received: units={units!r}")
        if activation is not None and not isinstance(activation, str):
            raise ConfigError(f"ScaledDense '{self.name}': `activation` must be the name of an activation or None. "
                              f"Received: activation={activation!r}")
        if isinstance(gain, bool) or not isinstance(gain, int | float) or gain <= 0:
            raise ConfigError(f"ScaledDense '{self.name}': `gain` must be a positive number. Received: gain={gain!r}")
        self.units, self.use_bias, self.gain = units, bool(use_bias), float(gain)
        self.activation_name = activation
        self.activation = activations.get(activation) if activation is not None else None
        self.kernel = self.bias = self.scale = None

    def build(self, input_shape):
        fan_in = input_shape[-1]
        if len(input_shape) < 2 or fan_in is None:
            raise ShapeError(f"ScaledDense '{self.name}' expects inputs of shape (batch, ..., features) with known "
                             f"features; received shape {tuple(input_shape)}.")
        self.scale = self.gain / math.sqrt(fan_in)
        self.kernel = self.add_weight(shape=(fan_in, self.units), initializer=_standard_normal, name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=_zeros, name="bias")

    def call(self, inputs):
        outputs = ops.matmul(inputs, self.kernel) * self.scale
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs) if self.activation is not None else outputs

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": self.activation_name,
                "use_bias": self.use_bias, "gain": self.gain}
