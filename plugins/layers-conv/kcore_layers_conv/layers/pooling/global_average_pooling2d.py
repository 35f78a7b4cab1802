"""GlobalAveragePooling2D: the mean over all positions of images, per channel."""

from kcore_layers_conv.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    """The mean over every spatial position of images, per channel: `(batch, channels)`.

    Args:
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.
        keepdims: keep the spatial axes, each of length 1.

    Example:
        >>> GlobalAveragePooling2D()(np.ones((2, 7, 7, 128), "float32")).shape
        (2, 128)
    """

    rank = 2
    pool_mode = "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
