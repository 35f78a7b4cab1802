"""LayerNormalization: normalise each sample over its feature axes."""

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.layers.normalization.moments import moments, normalize
from kcore_layers_core.serialization import resolve, serialize

_ARGUMENTS = ("beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint",
              "gamma_constraint")


class LayerNormalization(Layer):
    """Normalises each sample to mean 0 and variance 1 over `axis` (an int or a list of ints; the last axis by
    default), then scales by `gamma` and shifts by `beta`, both learned per entry of those axes. The same
    computation in training and inference.

    With `rms_scaling=True` it divides by the root mean square instead, without centring, and scales by gamma
    only (RMSNorm): `x / sqrt(mean(x ** 2) + epsilon) * gamma`.

    Example:
        >>> LayerNormalization()(np.array([[1.0, 3.0]], "float32"))
        array([[-0.9995004,  0.9995004]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        axes = axis if isinstance(axis, (list, tuple)) else [axis]
        if not axes or any(isinstance(a, bool) or not isinstance(a, int) for a in axes):
            raise ConfigError(f"{where}: `axis` must be an int or a list of ints. Received: axis={axis!r}")
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = checks.number(where, "epsilon", epsilon, low=0)
        if self.epsilon == 0:
            raise ConfigError(f"{where}: `epsilon` must be positive. Received: epsilon={epsilon!r}")
        self.center, self.scale, self.rms_scaling = bool(center), bool(scale), bool(rms_scaling)
        given = dict(zip(_ARGUMENTS, (beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
                                      beta_constraint, gamma_constraint), strict=True))
        for name, value in given.items():
            setattr(self, name, resolve(name.rpartition("_")[2], value, f"{where}: `{name}`"))
        self.gamma = self.beta = None

    def build(self, input_shape):
        rank = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if any(not -rank <= a < rank or input_shape[a] is None for a in axes):
            raise ShapeError(f"{checks.describe(self)} normalises over axis {self.axis}, which its inputs must have "
                             f"with known sizes; received shape {tuple(input_shape)}.")
        self._axes = tuple(sorted(a % rank for a in axes))
        shape = tuple(input_shape[a] for a in self._axes)
        self._param_shape = tuple(input_shape[i] if i in self._axes else 1 for i in range(rank))
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer, name="gamma",
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer, name="beta",
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)

    def call(self, inputs):
        inputs = checks.floating(inputs, self.dtype)
        if len(inputs.shape) != len(self._param_shape) or any(
                inputs.shape[a] != self._param_shape[a] for a in self._axes):
            sizes = {a: self._param_shape[a] for a in self._axes}
            raise ShapeError(f"{checks.describe(self)} was built for inputs of rank {len(self._param_shape)} with "
                             f"sizes {sizes} on the axes it normalises; received shape {tuple(inputs.shape)}.")
        if self.rms_scaling:
            mean_square = ops.mean(ops.square(inputs), axis=self._axes, keepdims=True)
            outputs = ops.multiply(inputs, ops.rsqrt(ops.add(mean_square, self.epsilon)))
            return ops.multiply(outputs, ops.reshape(self.gamma, self._param_shape))
        mean, variance = moments(inputs, self._axes)
        return normalize(inputs, self.gamma, self.beta, mean=mean, variance=variance, axes=self._axes,
                         epsilon=self.epsilon, param_shape=self._param_shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                  "scale": self.scale, "rms_scaling": self.rms_scaling}
        for name in _ARGUMENTS:
            config[name] = serialize(getattr(self, name), name.rpartition("_")[2])
        return config
