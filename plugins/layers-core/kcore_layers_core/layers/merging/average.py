"""Average: the mean of the inputs (a merging layer)."""

import functools

from kcore import ops
from kcore_layers_core.layers.merging.base_merge import Merge


class Average(Merge):
    """The mean of the inputs, elementwise with broadcasting.

    Example:
        >>> Average()([np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 6.0]], "float32")])
        array([[2., 4.]], dtype=float32)
    """

    def _combine(self, inputs):
        return ops.multiply(functools.reduce(ops.add, inputs), 1.0 / len(inputs))
