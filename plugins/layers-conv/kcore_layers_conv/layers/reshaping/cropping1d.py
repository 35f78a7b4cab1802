"""Cropping1D: steps cut off the start and end of sequences."""

from kcore_layers_conv.layers.reshaping.base_cropping import BaseCropping
from kcore_layers_conv.layers.spatial import flat_pair


class Cropping1D(BaseCropping):
    """Removes `cropping` steps from the start and end of sequences `(batch, steps, channels)`.

    Args:
        cropping: an int (both ends) or a (start, end) pair.

    Example:
        >>> Cropping1D((1, 2))(np.ones((2, 8, 3), "float32")).shape
        (2, 5, 3)
    """

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, data_format="channels_last", **kwargs)

    def _as_pairs(self, cropping):
        return flat_pair(cropping, "cropping", self)

    def _keras_form(self, pairs):
        return pairs[0]

    def get_config(self):
        config = super().get_config()
        del config["data_format"]  # Keras's Cropping1D takes channels-last sequences only
        return config
