"""AdaptiveMaxPooling3D: the maximum over each of a fixed number of bins of volumes, whatever their size."""

from kcore_layers_conv.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """The maximum over `output_size` bins of each spatial axis of volumes: bin i of an axis of length L covers
    positions floor(i * L / output_size) to ceil((i + 1) * L / output_size) (exclusive), as in Keras 3 and PyTorch.
    Bins overlap when L does not divide evenly, and repeat positions when output_size > L.

    Args:
        output_size: the number of bins per spatial axis, an int (the same on every axis) or a tuple of 3 ints.
        data_format: "channels_last", inputs (batch, dim1, dim2, dim3, channels), or "channels_first",
            inputs (batch, channels, dim1, dim2, dim3); default: the config's `image_data_format`.

    Example:
        >>> AdaptiveMaxPooling3D(3)(np.ones((2, 9, 9, 9, 4), "float32")).shape
        (2, 3, 3, 3, 4)
    """

    rank = 3
    pool_mode = "max"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, data_format=data_format, **kwargs)
