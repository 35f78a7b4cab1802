"""Softmax: the softmax activation as a layer, with masking."""

from kcore import ops
from kcore.errors import ConfigError
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class Softmax(Layer):
    """`exp(x) / sum(exp(x))` along `axis` (an int, or a list of ints to normalise over several axes).

    With a mask (True where an entry counts), masked entries get probability 0 and the others share 1.

    Example:
        >>> Softmax()(np.array([[1.0, 1.0, 1.0]], "float32"), mask=np.array([[True, True, False]]))
        array([[0.5, 0.5, 0. ]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        axes = axis if isinstance(axis, (list, tuple)) else [axis]
        if not axes or any(isinstance(a, bool) or not isinstance(a, int) for a in axes):
            raise ConfigError(f"{checks.describe(self)}: `axis` must be an int or a list of ints. Received: "
                              f"axis={axis!r}")
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis

    def call(self, inputs, mask=None):
        if mask is not None:  # a large negative logit (not -inf, which would give nan on a fully masked row)
            inputs = ops.where(mask, inputs, -1e9 if inputs.dtype.itemsize >= 4 else -3e4)
        if isinstance(self.axis, int) or len(self.axis) == 1:
            outputs = ops.softmax(inputs, axis=self.axis if isinstance(self.axis, int) else self.axis[0])
        else:
            axes = tuple(self.axis)
            outputs = ops.exp(ops.subtract(inputs, ops.logsumexp(inputs, axis=axes, keepdims=True)))
        return outputs if mask is None else ops.where(mask, outputs, 0.0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
