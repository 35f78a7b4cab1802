"""`Variable`: named, mutable state that training updates (weights, optimizer slots, counters)."""

from kcore import backend, config
from kcore.autodiff import Node, recording
from kcore.errors import ConfigError, ShapeError


def _float_or_given(xp, value, dtype):
    if dtype is not None:
        return xp.array(value, dtype=dtype)
    if isinstance(value, (int, float, list, tuple)):
        array = xp.asarray(value)
        return array.astype(config.floatx()) if array.dtype.kind == "f" else array.astype("int32")
    return xp.array(value, order="C")  # an array keeps its dtype; the variable owns a contiguous copy


class Variable(Node):
    """A named array that training updates in place; trainable variables are watched by every tape.

    Args:
        initializer: the initial value (an array or a number), or a callable `(shape, dtype) -> array`, or
            the name of an initializer such as "glorot_uniform" (from a plugin).
        shape: required when `initializer` is a callable or a name.
        dtype: defaults to the value's dtype, or `floatx()` for Python numbers and initializers.
        trainable: whether optimizers update it and tapes watch it.

    Example:
        >>> v = Variable([[1.0, 2.0]], name="w")
        >>> v.shape, str(v.dtype)
        ((1, 2), 'float32')
        >>> v.assign_add([[1.0, 1.0]]).numpy()
        array([[2., 3.]], dtype=float32)
    """

    __slots__ = ("value", "name", "path", "trainable", "regularizer", "constraint", "__weakref__")

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, name=None):
        xp = backend.get().xp
        self.name = name or "variable"
        self.path = self.name
        self.trainable = bool(trainable)
        self.regularizer = None  # set by Layer.add_weight; the layer's `losses` apply it
        self.constraint = None  # set by Layer.add_weight; optimizers apply it after each update
        if isinstance(initializer, str):
            from kcore import initializers

            initializer = initializers.get(initializer)
        if callable(initializer):
            if shape is None:
                raise ConfigError(f"Variable {self.name!r}: a callable initializer needs `shape`. "
                                  f"Pass shape=(...), or pass an initial array instead.")
            # contiguous, so that in-place updates and reshapes of `value` never work on a copy (ascontiguousarray
            # alone would make a scalar's shape (1,))
            value = xp.ascontiguousarray(initializer(tuple(shape), dtype=dtype or config.floatx())).reshape(shape)
        else:
            value = _float_or_given(xp, initializer.value if isinstance(initializer, Node) else initializer,
                                    dtype)
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ShapeError(f"Variable {self.name!r}: the initial value has shape {tuple(value.shape)}, but "
                             f"shape={tuple(shape)} was given. Make them agree.")
        self.value = value

    def _tracked(self):
        return (self.trainable and recording.watch_trainable) or id(self) in recording.watched

    def _checked(self, value, method):
        xp = backend.get().xp
        value = xp.asarray(value.value if isinstance(value, Node) else value)
        if value.shape != self.value.shape:
            raise ShapeError(f"Variable {self.path!r}.{method}: expected a value of shape {self.shape}, "
                             f"received shape {tuple(value.shape)}.")
        return value

    def assign(self, value):
        """Set the value in place (same shape; the dtype stays the variable's)."""
        self.value[...] = self._checked(value, "assign")
        return self

    def assign_add(self, delta):
        self.value += self._checked(delta, "assign_add")
        return self

    def assign_sub(self, delta):
        self.value -= self._checked(delta, "assign_sub")
        return self

    def numpy(self):
        """A NumPy copy of the current value."""
        return backend.get().to_numpy(self.value).copy()

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={self.value}>"
