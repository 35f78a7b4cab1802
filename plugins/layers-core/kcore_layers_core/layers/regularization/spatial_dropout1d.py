"""SpatialDropout1D: Dropout of whole channels of a sequence."""

from kcore_layers_core.layers.regularization.spatial_dropout import SpatialDropout


class SpatialDropout1D(SpatialDropout):
    """While training, drops entire channels of `(batch, timesteps, channels)` inputs with probability `rate`
    (scaling the others by `1 / (1 - rate)`); at inference, returns the inputs.

    Example:
        >>> SpatialDropout1D(0.5)(np.ones((2, 5, 3), "float32"), training=True).shape
        (2, 5, 3)
    """

    spatial_rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        return config
