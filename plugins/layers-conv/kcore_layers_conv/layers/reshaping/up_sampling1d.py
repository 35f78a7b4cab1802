"""UpSampling1D: each step of sequences repeated."""

from kcore_layers_conv.layers.reshaping.base_upsampling import BaseUpSampling


class UpSampling1D(BaseUpSampling):
    """Repeats each step of sequences `(batch, steps, channels)` `size` times.

    Args:
        size: the number of copies of each step.

    Example:
        >>> UpSampling1D(3)(np.ones((2, 4, 5), "float32")).shape
        (2, 12, 5)
    """

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size[0]  # Keras's UpSampling1D keeps one int and takes no data_format
        del config["data_format"]
        return config
