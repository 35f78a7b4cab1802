"""SpatialDropout2D: Dropout of whole feature maps of images."""

from kcore_layers_core.layers.regularization.spatial_dropout import SpatialDropout


class SpatialDropout2D(SpatialDropout):
    """While training, drops entire feature maps of `(batch, rows, cols, channels)` inputs (channels first with
    `data_format="channels_first"`) with probability `rate`; at inference, returns the inputs.

    Example:
        >>> SpatialDropout2D(0.5)(np.ones((2, 4, 4, 3), "float32"), training=True).shape
        (2, 4, 4, 3)
    """

    spatial_rank = 2
