"""UpSampling2D: images enlarged by integer factors."""

from kcore_layers_conv.layers.reshaping.base_upsampling import BaseUpSampling


class UpSampling2D(BaseUpSampling):
    """Enlarges images by `size` (rows, cols): each pixel repeated ("nearest"), or resampled linearly between
    neighbouring pixels ("bilinear", half-pixel centres as Keras's resize).

    Args:
        size: an int or a pair (rows factor, cols factor).
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.
        interpolation: "nearest" or "bilinear".

    Example:
        >>> UpSampling2D(2)(np.ones((2, 7, 7, 8), "float32")).shape
        (2, 14, 14, 8)
    """

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format=data_format, interpolation=interpolation, **kwargs)

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}
