"""AdaptiveAveragePooling2D: the mean over each of a fixed number of bins of images, whatever their size."""

from kcore_layers_conv.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """The mean over `output_size` bins of each spatial axis of images: bin i of an axis of length L covers
    positions floor(i * L / output_size) to ceil((i + 1) * L / output_size) (exclusive), as in Keras 3 and PyTorch.
    Bins overlap when L does not divide evenly, and repeat positions when output_size > L.

    Args:
        output_size: the number of bins per spatial axis, an int (the same on every axis) or a tuple of 2 ints.
        data_format: "channels_last", inputs (batch, rows, cols, channels), or "channels_first",
            inputs (batch, channels, rows, cols); default: the config's `image_data_format`.

    Example:
        >>> AdaptiveAveragePooling2D((7, 7))(np.ones((2, 28, 28, 32), "float32")).shape
        (2, 7, 7, 32)
    """

    rank = 2
    pool_mode = "average"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, data_format=data_format, **kwargs)
