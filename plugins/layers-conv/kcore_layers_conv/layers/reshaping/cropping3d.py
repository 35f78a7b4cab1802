"""Cropping3D: positions cut off the borders of volumes."""

from kcore_layers_conv.layers.reshaping.base_cropping import BaseCropping


class Cropping3D(BaseCropping):
    """Removes positions from the borders of each of the three spatial axes of volumes.

    Args:
        cropping: an int (every side), three ints (symmetric per axis), or three (start, end) pairs.
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.

    Example:
        >>> Cropping3D(1)(np.ones((2, 6, 6, 6, 3), "float32")).shape
        (2, 4, 4, 4, 3)
    """

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format=data_format, **kwargs)
