"""Multiply: product of the inputs (a merging layer)."""

from kcore import ops
from kcore_layers_core.layers.merging.base_merge import Merge


class Multiply(Merge):
    """The product of the inputs, elementwise with broadcasting.

    Example:
        >>> Multiply()([np.array([[1.0, 2.0]], "float32"), np.array([[10.0, 20.0]], "float32")])
        array([[10., 40.]], dtype=float32)
    """

    def _merge(self, x, y):
        return ops.multiply(x, y)
