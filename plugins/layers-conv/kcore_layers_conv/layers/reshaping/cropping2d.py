"""Cropping2D: rows and columns cut off the borders of images."""

from kcore_layers_conv.layers.reshaping.base_cropping import BaseCropping


class Cropping2D(BaseCropping):
    """Removes rows and columns from the borders of images.

    Args:
        cropping: an int (every side), a pair (symmetric rows, symmetric cols), or
            ((top, bottom), (left, right)).
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.

    Example:
        >>> Cropping2D(((2, 2), (4, 4)))(np.ones((2, 28, 28, 3), "float32")).shape
        (2, 24, 20, 3)
    """

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format=data_format, **kwargs)
