"""Add: sum of the inputs (a merging layer)."""

from kcore import ops
from kcore_layers_core.layers.merging.base_merge import Merge


class Add(Merge):
    """The sum of the inputs, elementwise with broadcasting.

    Example:
        >>> Add()([np.array([[1.0, 2.0]], "float32"), np.array([[10.0, 20.0]], "float32")])
        array([[11., 22.]], dtype=float32)
    """

    def _merge(self, x, y):
        return ops.add(x, y)
