"""Reshape: a new shape for every sample."""

import math

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class Reshape(Layer):
    """Reshapes `(batch, ...)` inputs to `(batch, *target_shape)`; one entry of `target_shape` may be -1, to be
    inferred from the size of each sample.

    Example:
        >>> Reshape((3, -1))(np.ones((2, 12), "float32")).shape
        (2, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        if isinstance(target_shape, int):
            target_shape = (target_shape,)
        if not isinstance(target_shape, (list, tuple)) or any(
                isinstance(d, bool) or not isinstance(d, int) or (d <= 0 and d != -1) for d in target_shape):
            raise ConfigError(f"{where}: `target_shape` must be a tuple of positive ints, one of which may be -1. "
                              f"Received: target_shape={target_shape!r}")
        if list(target_shape).count(-1) > 1:
            raise ConfigError(f"{where}: at most one entry of `target_shape` may be -1. "
                              f"Received: target_shape={tuple(target_shape)}")
        self.target_shape = tuple(target_shape)

    def _resolve(self, input_shape):
        """`target_shape` with its -1 worked out from `input_shape` (None if that is unknown)."""
        size = math.prod(input_shape[1:]) if None not in input_shape[1:] else None
        known = math.prod(d for d in self.target_shape if d != -1)
        compatible = size is None or (size % known == 0 if -1 in self.target_shape else size == known)
        if not compatible:
            raise ShapeError(f"{checks.describe(self)} cannot reshape samples of shape {tuple(input_shape[1:])} "
                             f"({size} entries) to target_shape={self.target_shape} ({known} entries"
                             f"{' times a multiple' if -1 in self.target_shape else ''}). The number of entries per "
                             f"sample must not change.")
        if -1 not in self.target_shape:
            return self.target_shape
        missing = size // known if size is not None else None
        return tuple(missing if d == -1 else d for d in self.target_shape)

    def build(self, input_shape):
        self._resolve(tuple(input_shape))

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0], *self._resolve(tuple(inputs.shape))))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self._resolve(tuple(input_shape)))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}
