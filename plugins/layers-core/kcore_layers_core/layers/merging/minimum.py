"""Minimum: the elementwise minimum of the inputs (a merging layer)."""

from kcore import ops
from kcore_layers_core.layers.merging.base_merge import Merge


class Minimum(Merge):
    """The smallest of the inputs at each position, with broadcasting.

    Example:
        >>> Minimum()([np.array([[1.0, 30.0]], "float32"), np.array([[10.0, 20.0]], "float32")])
        array([[ 1., 20.]], dtype=float32)
    """

    def _merge(self, x, y):
        return ops.minimum(x, y)
