"""AveragePooling3D: the mean over each window of volumes."""

from kcore_layers_conv.layers.pooling.base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """The mean over each `pool_size` window of volumes, every `strides` positions (default: `pool_size`).

    Args:
        pool_size: the window's size, an int or a tuple of 3 ints.
        strides: the step between windows, an int or a tuple of 3 ints; None: `pool_size`.
        padding: "valid" (windows inside the input only) or "same" (pad so that the output has
            ceil(input / strides) positions; padding does not count in a mean).
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.

    Example:
        >>> AveragePooling3D(2)(np.ones((2, 6, 6, 6, 3), "float32")).shape
        (2, 3, 3, 3, 3)
    """

    rank = 3
    pool_mode = "average"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides=strides, padding=padding, data_format=data_format, **kwargs)
