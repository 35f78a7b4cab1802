"""Flatten: every axis but the batch axis into one."""

import math

from kcore import ops
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class Flatten(Layer):
    """Reshapes `(batch, d1, d2, ...)` inputs to `(batch, d1 * d2 * ...)`.

    With `data_format="channels_first"`, the channel axis is moved last first, so that a model gives the same
    features in the same order whichever layout its images use.

    Example:
        >>> Flatten()(np.ones((2, 3, 4), "float32")).shape
        (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = checks.data_format(checks.describe(self), data_format)

    def call(self, inputs):
        if self.data_format == "channels_first" and len(inputs.shape) > 2:
            inputs = ops.transpose(inputs, (0, *range(2, len(inputs.shape)), 1))
        return ops.reshape(inputs, (inputs.shape[0], math.prod(inputs.shape[1:])))

    def compute_output_shape(self, input_shape):
        features = tuple(input_shape)[1:]
        return (input_shape[0], None if None in features else math.prod(features))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
