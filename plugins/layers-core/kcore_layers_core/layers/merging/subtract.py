"""Subtract: the first input minus the second (a merging layer)."""

from kcore import ops
from kcore_layers_core.layers.merging.base_merge import Merge


class Subtract(Merge):
    """`inputs[0] - inputs[1]`, elementwise with broadcasting; takes exactly two inputs.

    Example:
        >>> Subtract()([np.array([[5.0, 5.0]], "float32"), np.array([[1.0, 2.0]], "float32")])
        array([[4., 3.]], dtype=float32)
    """

    min_inputs = max_inputs = 2

    def _merge(self, x, y):
        return ops.subtract(x, y)
