"""UpSampling3D: volumes enlarged by integer factors."""

from kcore_layers_conv.layers.reshaping.base_upsampling import BaseUpSampling


class UpSampling3D(BaseUpSampling):
    """Repeats each position of volumes `size` times along each of the three spatial axes.

    Args:
        size: an int or three ints (one factor per axis).
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.

    Example:
        >>> UpSampling3D(2)(np.ones((2, 3, 3, 3, 4), "float32")).shape
        (2, 6, 6, 6, 4)
    """

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format=data_format, **kwargs)
