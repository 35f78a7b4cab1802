"""ZeroPadding3D: zeros around volumes."""

from kcore_layers_conv.layers.reshaping.base_zero_padding import BaseZeroPadding


class ZeroPadding3D(BaseZeroPadding):
    """Adds zeros before and after each of the three spatial axes of volumes.

    Args:
        padding: an int (every side), three ints (symmetric per axis), or three (before, after) pairs.
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.

    Example:
        >>> ZeroPadding3D(1)(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 6, 6, 6, 3)
    """

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)
