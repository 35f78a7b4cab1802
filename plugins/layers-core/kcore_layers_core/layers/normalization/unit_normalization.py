"""UnitNormalization: scale each sample to unit L2 norm."""

from kcore import ops
from kcore.errors import ConfigError
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class UnitNormalization(Layer):
    """`x / ||x||` with the L2 norm over `axis` (an int or a list of ints), computed as
    `x * rsqrt(max(sum(x ** 2), 1e-12))` so that a zero vector stays zero with a finite gradient.

    Example:
        >>> UnitNormalization()(np.array([[3.0, 4.0]], "float32"))
        array([[0.6, 0.8]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        axes = axis if isinstance(axis, (list, tuple)) else [axis]
        if not axes or any(isinstance(a, bool) or not isinstance(a, int) for a in axes):
            raise ConfigError(f"{checks.describe(self)}: `axis` must be an int or a list of ints. Received: "
                              f"axis={axis!r}")
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis

    def call(self, inputs):
        inputs = checks.floating(inputs, self.dtype)
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        square_sum = ops.sum(ops.square(inputs), axis=axis, keepdims=True)
        return ops.multiply(inputs, ops.rsqrt(ops.maximum(square_sum, 1e-12)))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
