"""GroupNormalization: normalise each sample over groups of channels."""

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.layers.normalization.moments import moments, normalize
from kcore_layers_core.serialization import resolve, serialize

_ARGUMENTS = ("beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint",
              "gamma_constraint")


class GroupNormalization(Layer):
    """Splits the channels (`axis`) into `groups` groups and normalises each group of each sample to mean 0 and
    variance 1 over its channels and all other non-batch axes, then scales by `gamma` and shifts by `beta`
    (per channel). `groups=1` is LayerNormalization over all non-batch axes; `groups=-1` (one channel per group)
    is instance normalisation. The same computation in training and inference (Wu & He, 2018).

    Example:
        >>> x = np.arange(8, dtype="float32").reshape(1, 2, 4)
        >>> GroupNormalization(groups=2)(x).shape
        (1, 2, 4)
    """

    supports_masking = True

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ConfigError(f"{where}: `groups` must be a positive int, or -1 for one group per channel. "
                              f"Received: groups={groups!r}")
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ConfigError(f"{where}: `axis` must be an int (the channels axis). Received: axis={axis!r}")
        self.groups, self.axis = groups, axis
        self.epsilon = checks.number(where, "epsilon", epsilon, low=0)
        self.center, self.scale = bool(center), bool(scale)
        given = dict(zip(_ARGUMENTS, (beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
                                      beta_constraint, gamma_constraint), strict=True))
        for name, value in given.items():
            setattr(self, name, resolve(name.rpartition("_")[2], value, f"{where}: `{name}`"))
        self.gamma = self.beta = None

    def build(self, input_shape):
        where, rank = checks.describe(self), len(input_shape)
        if not -rank <= self.axis < rank or self.axis % rank == 0:
            raise ShapeError(f"{where}: `axis`={self.axis} must name a non-batch axis of its inputs; received "
                             f"shape {tuple(input_shape)}.")
        axis = self.axis % rank
        channels = input_shape[axis]
        if channels is None:
            raise ShapeError(f"{where} needs the size of axis {self.axis} (the channels) to be known; received "
                             f"shape {tuple(input_shape)}.")
        groups = channels if self.groups == -1 else self.groups
        if channels % groups:
            raise ConfigError(f"{where}: `groups`={groups} must divide the {channels} channels (axis {self.axis}) "
                              f"into equal groups. Use a divisor of {channels}, e.g. groups="
                              f"{max(d for d in range(1, min(groups, channels) + 1) if channels % d == 0)}.")
        self._axis, self._groups, self._rank = axis, groups, rank
        # the grouped shape has the group axis at `axis` and the channels of a group just after it
        self._param_shape = tuple(groups if i == axis else channels // groups if i == axis + 1 else 1
                                  for i in range(rank + 1))
        self._axes = tuple(i for i in range(1, rank + 1) if i != axis)
        if self.scale:
            self.gamma = self.add_weight(shape=(channels,), initializer=self.gamma_initializer, name="gamma",
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(shape=(channels,), initializer=self.beta_initializer, name="beta",
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)

    def call(self, inputs):
        inputs = checks.floating(inputs, self.dtype)
        shape = tuple(inputs.shape)
        channels = self._param_shape[self._axis] * self._param_shape[self._axis + 1]
        if len(shape) != self._rank or shape[self._axis] != channels:
            raise ShapeError(f"{checks.describe(self)} was built for inputs of rank {self._rank} with {channels} "
                             f"channels on axis {self.axis}; received shape {shape}.")
        grouped = ops.reshape(inputs, (*shape[:self._axis], self._groups, channels // self._groups,
                                       *shape[self._axis + 1:]))
        mean, variance = moments(grouped, self._axes)
        outputs = normalize(grouped, self.gamma, self.beta, mean=mean, variance=variance, axes=self._axes,
                            epsilon=self.epsilon, param_shape=self._param_shape)
        return ops.reshape(outputs, shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {**super().get_config(), "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
                  "center": self.center, "scale": self.scale}
        for name in _ARGUMENTS:
            config[name] = serialize(getattr(self, name), name.rpartition("_")[2])
        return config
