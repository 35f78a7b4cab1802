"""Rescaling: `inputs * scale + offset`, in training and at inference."""

import numpy as np

from kcore import config, ops
from kcore.errors import ConfigError
from kcore.layers.layer import Layer
from kcore_layers_preprocessing.image_layer import describe, keras_value


def _checked(where, name, value):
    value = keras_value(value)
    if isinstance(value, (list, tuple)) or hasattr(value, "shape"):
        array = np.asarray(value)
        if array.dtype.kind not in "iuf" or array.size == 0:
            raise ConfigError(f"{where}: `{name}` must be a number or an array of numbers. Received: "
                              f"{name}={value!r}")
        return array.tolist()
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ConfigError(f"{where}: `{name}` must be a number or an array of numbers (one per channel). "
                          f"Received: {name}={value!r}")
    return float(value)


class Rescaling(Layer):
    """Multiplies the inputs by `scale` and adds `offset`: e.g. `Rescaling(1 / 255)` takes [0, 255] pixels to
    [0, 1], `Rescaling(1 / 127.5, offset=-1)` to [-1, 1]. Integer inputs (uint8 images) give floats of the
    layer's dtype. `scale` and `offset` may be per-channel lists, laid out by `image_data_format()`.

    Example:
        >>> Rescaling(1 / 127.5, offset=-1)(np.array([[0, 255]], "uint8"))
        array([[-1.,  1.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _checked(describe(self), "scale", scale)
        self.offset = _checked(describe(self), "offset", offset)

    def _constant(self, value):
        if isinstance(value, float):
            return value
        array = ops.convert_to_tensor(np.asarray(value), dtype=self.dtype)
        if array.ndim and config.image_data_format() == "channels_first":  # (C,) -> (C, 1, 1), as Keras
            array = array.reshape(array.shape + (1,) * (3 - array.ndim))
        return array

    def call(self, inputs):
        if inputs.dtype != self.dtype:
            inputs = ops.cast(inputs, self.dtype)
        outputs = ops.multiply(inputs, self._constant(self.scale))
        return ops.add(outputs, self._constant(self.offset)) if self.offset != 0.0 else outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}
