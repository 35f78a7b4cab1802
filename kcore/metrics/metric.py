"""The Metric contract: state in variables, `update_state` per batch, `result` when logging."""

from kcore import backend, config
from kcore.utils import naming
from kcore.variables import Variable


class Metric:
    """Base class of metrics. Subclasses create state with `add_variable` and implement `update_state`
    and `result`; `reset_state` zeroes every state variable.

    Example:
        >>> class Count(Metric):
        ...     def __init__(self, name="count"):
        ...         super().__init__(name=name)
        ...         self.count = self.add_variable((), name="count")
        ...     def update_state(self, y_true, y_pred, sample_weight=None):
        ...         self.count.assign_add(len(y_true))
        ...     def result(self):
        ...         return self.count.value
    """

    def __init__(self, name=None, dtype=None):
        self.name = name or naming.to_snake_case(type(self).__name__)
        self.dtype = dtype or config.floatx()
        self._variables = []

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        xp = backend.get().xp
        dtype = dtype or self.dtype
        value = xp.zeros(shape, dtype) if initializer == "zeros" else xp.full(shape, float(initializer), dtype)
        variable = Variable(value, trainable=False, name=name or "state")
        variable.path = f"{self.name}/{variable.name}"
        self._variables.append(variable)
        return variable

    add_weight = add_variable

    @property
    def variables(self):
        return list(self._variables)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} does not implement update_state.")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement result.")

    def reset_state(self):
        for variable in self._variables:
            variable.value[...] = 0

    def __call__(self, *args, **kwargs):
        """Update with one batch and return the result, as a standalone metric call does in Keras."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
