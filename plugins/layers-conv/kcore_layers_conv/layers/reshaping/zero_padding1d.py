"""ZeroPadding1D: zeros before and after the steps of sequences."""

from kcore_layers_conv.layers.reshaping.base_zero_padding import BaseZeroPadding
from kcore_layers_conv.layers.spatial import flat_pair


class ZeroPadding1D(BaseZeroPadding):
    """Adds `padding` zero steps at the start and end of sequences `(batch, steps, channels)`.

    Args:
        padding: an int (both ends) or a (start, end) pair.
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.

    Example:
        >>> ZeroPadding1D((1, 2))(np.ones((2, 5, 3), "float32")).shape
        (2, 8, 3)
    """

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)

    def _as_pairs(self, padding):
        return flat_pair(padding, "padding", self)

    def _keras_form(self, pairs):
        return pairs[0]
