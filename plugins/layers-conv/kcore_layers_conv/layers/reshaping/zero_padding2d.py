"""ZeroPadding2D: rows and columns of zeros around images."""

from kcore_layers_conv.layers.reshaping.base_zero_padding import BaseZeroPadding


class ZeroPadding2D(BaseZeroPadding):
    """Adds rows and columns of zeros around images.

    Args:
        padding: an int (every side), a pair (symmetric rows, symmetric cols), or
            ((top, bottom), (left, right)).
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.

    Example:
        >>> ZeroPadding2D(((1, 0), (2, 2)))(np.ones((2, 28, 28, 1), "float32")).shape
        (2, 29, 32, 1)
    """

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)
