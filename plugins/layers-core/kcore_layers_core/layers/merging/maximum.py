"""Maximum: the elementwise maximum of the inputs (a merging layer)."""

from kcore import ops
from kcore_layers_core.layers.merging.base_merge import Merge


class Maximum(Merge):
    """The largest of the inputs at each position, with broadcasting.

    Example:
        >>> Maximum()([np.array([[1.0, 30.0]], "float32"), np.array([[10.0, 20.0]], "float32")])
        array([[10., 30.]], dtype=float32)
    """

    def _merge(self, x, y):
        return ops.maximum(x, y)
