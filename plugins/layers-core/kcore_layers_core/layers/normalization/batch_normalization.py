"""BatchNormalization: normalise each feature by batch statistics while training, by running ones after."""

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.layers.normalization.moments import moments, normalize
from kcore_layers_core.serialization import resolve, serialize

_ARGUMENTS = ("beta_initializer", "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
              "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint")


class BatchNormalization(Layer):
    """Normalises each feature (the entries along `axis`) to mean 0 and variance 1, then scales by `gamma` and
    shifts by `beta`.

    While training (`training=True`, and the layer trainable) it uses the mean and variance of the batch (over
    every axis but `axis`), and moves its running statistics towards them:
    `moving = moving * momentum + batch_statistic * (1 - momentum)`, an in-place update of non-trainable weights
    that no tape records. At inference it uses the running statistics. The weights are, in Keras 3's order,
    gamma, beta, moving_mean, moving_variance. A mask is passed on to the next layers, not used for the
    statistics; `synchronized` (statistics across devices) is accepted and has no effect on one device.

    Example:
        >>> layer = BatchNormalization(momentum=0.9)
        >>> x = np.array([[1.0], [3.0]], "float32")
        >>> layer(x, training=True)  # mean 2, variance 1
        array([[-0.9995004],
               [ 0.9995004]], dtype=float32)
        >>> layer.moving_mean.numpy(), layer.moving_variance.numpy()  # 0.9 * initial + 0.1 * batch
        (array([0.2], dtype=float32), array([1.], dtype=float32))
    """

    supports_masking = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 synchronized=False, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ConfigError(f"{where}: `axis` must be an int (the feature axis). Received: axis={axis!r}")
        self.axis = axis
        self.momentum = checks.number(where, "momentum", momentum, low=0, high=1)
        self.epsilon = checks.number(where, "epsilon", epsilon, low=0)
        if self.epsilon == 0:
            raise ConfigError(f"{where}: `epsilon` must be positive (it keeps the division finite). Received: "
                              f"epsilon={epsilon!r}")
        self.center, self.scale, self.synchronized = bool(center), bool(scale), bool(synchronized)
        given = dict(zip(_ARGUMENTS, (beta_initializer, gamma_initializer, moving_mean_initializer,
                                      moving_variance_initializer, beta_regularizer, gamma_regularizer,
                                      beta_constraint, gamma_constraint), strict=True))
        for name, value in given.items():
            setattr(self, name, resolve(name.rpartition("_")[2], value, f"{where}: `{name}`"))
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank or input_shape[self.axis] is None:
            raise ShapeError(f"{checks.describe(self)} normalises axis {self.axis}, which its inputs must have with "
                             f"a known size; received shape {tuple(input_shape)}.")
        axis = self.axis % rank
        features = input_shape[axis]
        self._reduction_axes = tuple(i for i in range(rank) if i != axis)
        self._param_shape = tuple(features if i == axis else 1 for i in range(rank))
        if self.scale:
            self.gamma = self.add_weight(shape=(features,), initializer=self.gamma_initializer, name="gamma",
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(shape=(features,), initializer=self.beta_initializer, name="beta",
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.moving_mean = self.add_weight(shape=(features,), initializer=self.moving_mean_initializer,
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=(features,), initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")

    def call(self, inputs, training=None, mask=None):
        inputs = checks.floating(inputs, self.dtype)
        if len(inputs.shape) != len(self._param_shape) or inputs.shape[self.axis] != self.moving_mean.shape[0]:
            raise ShapeError(f"{checks.describe(self)} was built for inputs of rank {len(self._param_shape)} with "
                             f"{self.moving_mean.shape[0]} features on axis {self.axis}; received shape "
                             f"{tuple(inputs.shape)}.")
        if training and self.trainable:
            mean, variance = moments(inputs, self._reduction_axes)
            self._update_moving_statistics(mean, variance)
            return normalize(inputs, self.gamma, self.beta, mean=mean, variance=variance, axes=self._reduction_axes,
                             epsilon=self.epsilon, param_shape=self._param_shape)
        # inference: one scale and one shift per feature, then a single multiply-add over the inputs
        factor = ops.rsqrt(ops.add(self.moving_variance, self.epsilon))
        if self.gamma is not None:
            factor = ops.multiply(factor, self.gamma)
        shift = ops.negative(ops.multiply(self.moving_mean, factor))
        if self.beta is not None:
            shift = ops.add(shift, self.beta)
        return ops.add(ops.multiply(inputs, ops.reshape(factor, self._param_shape)),
                       ops.reshape(shift, self._param_shape))

    def _update_moving_statistics(self, mean, variance):
        """moving = moving * momentum + batch * (1 - momentum), assigned in place; `mean` and `variance` are plain
        arrays, so no tape records the update."""
        for variable, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            variable.assign(variable.value * self.momentum + batch.reshape(variable.shape) * (1.0 - self.momentum))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                  "center": self.center, "scale": self.scale}
        for name in _ARGUMENTS:
            config[name] = serialize(getattr(self, name), name.rpartition("_")[2])
        config["synchronized"] = self.synchronized
        return config
