"""Masking: skip the timesteps whose features all equal a padding value."""

from kcore import ops
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class Masking(Layer):
    """Marks as masked each timestep whose features all equal `mask_value`: zeroes them in the output, and
    `compute_mask` returns the mask (True where a timestep is kept) for the layers downstream.

    Example:
        >>> x = np.array([[[1.0, 2.0], [0.0, 0.0]]], "float32")
        >>> layer = Masking(mask_value=0.0)
        >>> layer.compute_mask(x)
        array([[ True, False]])
    """

    supports_masking = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = checks.number(checks.describe(self), "mask_value", mask_value)

    def _keep(self, inputs):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)

    def call(self, inputs):
        return ops.multiply(inputs, ops.cast(self._keep(inputs), inputs.dtype))

    def compute_mask(self, inputs, previous_mask=None):
        return ops.squeeze(self._keep(inputs), axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
