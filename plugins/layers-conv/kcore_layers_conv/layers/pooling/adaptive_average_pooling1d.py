"""AdaptiveAveragePooling1D: the mean over each of a fixed number of bins of steps, whatever their size."""

from kcore_layers_conv.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """The mean over `output_size` bins of each spatial axis of steps: bin i of an axis of length L covers
    positions floor(i * L / output_size) to ceil((i + 1) * L / output_size) (exclusive), as in Keras 3 and PyTorch.
    Bins overlap when L does not divide evenly, and repeat positions when output_size > L.

    Args:
        output_size: the number of bins per spatial axis, an int.
        data_format: "channels_last", inputs (batch, steps, channels), or "channels_first",
            inputs (batch, channels, steps); default: the config's `image_data_format`.

    Example:
        >>> AdaptiveAveragePooling1D(4)(np.ones((2, 10, 3), "float32")).shape
        (2, 4, 3)
    """

    rank = 1
    pool_mode = "average"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, data_format=data_format, **kwargs)
