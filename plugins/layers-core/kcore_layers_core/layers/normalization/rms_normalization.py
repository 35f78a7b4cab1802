"""RMSNormalization: divide each sample by its root mean square, then scale."""

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class RMSNormalization(Layer):
    """Root mean square normalisation (Zhang & Sennrich, 2019): over `axis` (an int or a list of ints; the last
    axis by default), `x * rsqrt(mean(x ** 2) + epsilon) * scale`, with a learned `scale` per entry of those axes
    (initialised to ones). Unlike LayerNormalization it neither centres nor shifts. The same computation in
    training and inference.

    Example:
        >>> RMSNormalization()(np.array([[3.0, 4.0]], "float32"))
        array([[0.8485281, 1.1313708]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        axes = axis if isinstance(axis, (list, tuple)) else [axis]
        if not axes or any(isinstance(a, bool) or not isinstance(a, int) for a in axes):
            raise ConfigError(f"{where}: `axis` must be an int or a list of ints. Received: axis={axis!r}")
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = checks.number(where, "epsilon", epsilon, low=0)
        if self.epsilon == 0:
            raise ConfigError(f"{where}: `epsilon` must be positive (it keeps a zero input finite). Received: "
                              f"epsilon={epsilon!r}")
        self.scale = None

    def build(self, input_shape):
        rank = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if any(not -rank <= a < rank or input_shape[a] is None for a in axes):
            raise ShapeError(f"{checks.describe(self)} normalises over axis {self.axis}, which its inputs must have "
                             f"with known sizes; received shape {tuple(input_shape)}.")
        self._axes = tuple(sorted({a % rank for a in axes}))
        if len(self._axes) != len(axes):
            raise ConfigError(f"{checks.describe(self)}: `axis` names the same axis twice for inputs of rank "
                              f"{rank}. Received: axis={self.axis!r}")
        self._param_shape = tuple(input_shape[i] if i in self._axes else 1 for i in range(rank))
        self.scale = self.add_weight(shape=tuple(input_shape[a] for a in self._axes), initializer="ones",
                                     name="scale")

    def call(self, inputs):
        inputs = checks.floating(inputs, self.dtype)
        if len(inputs.shape) != len(self._param_shape) or any(
                inputs.shape[a] != self._param_shape[a] for a in self._axes):
            sizes = {a: self._param_shape[a] for a in self._axes}
            raise ShapeError(f"{checks.describe(self)} was built for inputs of rank {len(self._param_shape)} with "
                             f"sizes {sizes} on the axes it normalises; received shape {tuple(inputs.shape)}.")
        mean_square = ops.mean(ops.square(inputs), axis=self._axes, keepdims=True)
        outputs = ops.multiply(inputs, ops.rsqrt(ops.add(mean_square, self.epsilon)))
        return ops.multiply(outputs, ops.reshape(self.scale, self._param_shape))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
