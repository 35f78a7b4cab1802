"""SpatialDropout3D: Dropout of whole feature maps of volumes."""

from kcore_layers_core.layers.regularization.spatial_dropout import SpatialDropout


class SpatialDropout3D(SpatialDropout):
    """While training, drops entire feature maps of `(batch, dim1, dim2, dim3, channels)` inputs (channels first
    with `data_format="channels_first"`) with probability `rate`; at inference, returns the inputs.

    Example:
        >>> SpatialDropout3D(0.5)(np.ones((2, 3, 3, 3, 4), "float32"), training=True).shape
        (2, 3, 3, 3, 4)
    """

    spatial_rank = 3
