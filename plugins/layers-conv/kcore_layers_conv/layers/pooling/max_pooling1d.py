"""MaxPooling1D: the maximum over each window of sequences."""

from kcore_layers_conv.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """The maximum over each `pool_size` window of sequences, every `strides` positions (default: `pool_size`).

    Args:
        pool_size: the window's size, an int or a tuple of one int.
        strides: the step between windows, an int or a tuple of one int; None: `pool_size`.
        padding: "valid" (windows inside the input only) or "same" (pad so that the output has
            ceil(input / strides) positions; padding never wins a maximum).
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.

    Example:
        >>> MaxPooling1D(2)(np.ones((2, 10, 3), "float32")).shape
        (2, 5, 3)
    """

    rank = 1
    pool_mode = "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides=strides, padding=padding, data_format=data_format, **kwargs)
