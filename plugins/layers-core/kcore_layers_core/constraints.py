"""Weight constraints with Keras 3's names, arguments and configs (registry kind "constraint").

A constraint is called on a weight's array after each optimizer update and returns the constrained array
(`variable.assign(constraint(variable))`).

Example:
    >>> NonNeg()(np.array([-1.0, 2.0], "float32"))
    array([0., 2.], dtype=float32)
"""

from kcore import config, ops
from kcore.errors import ConfigError
from kcore_layers_core import checks


def _axis(owner, axis):
    if isinstance(axis, (list, tuple)):
        return [int(a) for a in axis]
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ConfigError(f"{owner}: `axis` must be an int or a list of ints. Received: axis={axis!r}")
    return axis


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis if isinstance(axis, int) else tuple(axis), keepdims=True))


class Constraint:
    """Base class: subclasses implement `__call__(w)` and `get_config`."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class MaxNorm(Constraint):
    """Rescales the slices along `axis` whose L2 norm exceeds `max_value` down to it (axis=0 for a Dense kernel:
    the weights into each unit)."""

    def __init__(self, max_value=2, axis=0):
        self.max_value = checks.number("MaxNorm", "max_value", max_value, low=0)
        self.axis = _axis("MaxNorm", axis)

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0.0, self.max_value)
        return ops.multiply(w, ops.divide(desired, ops.add(norms, config.epsilon())))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Negative entries become zero."""

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        return ops.where(ops.greater_equal(w, 0.0), w, 0.0)


class UnitNorm(Constraint):
    """Each slice along `axis` rescaled to unit L2 norm."""

    def __init__(self, axis=0):
        self.axis = _axis("UnitNorm", axis)

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        return ops.divide(w, ops.add(_norms(w, self.axis), config.epsilon()))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Each slice along `axis` rescaled so that its L2 norm moves into [min_value, max_value]; `rate` in (0, 1]
    says how far it moves at each call (1: all the way)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = checks.number("MinMaxNorm", "min_value", min_value, low=0)
        self.max_value = checks.number("MinMaxNorm", "max_value", max_value, low=self.min_value)
        self.rate = checks.number("MinMaxNorm", "rate", rate, low=0, high=1)
        self.axis = _axis("MinMaxNorm", axis)

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.add(ops.multiply(ops.clip(norms, self.min_value, self.max_value), self.rate),
                          ops.multiply(norms, 1.0 - self.rate))
        return ops.multiply(w, ops.divide(desired, ops.add(norms, config.epsilon())))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


CONSTRAINTS = {"MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm,
               "max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm}
