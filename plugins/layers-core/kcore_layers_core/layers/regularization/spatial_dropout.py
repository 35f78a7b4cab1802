"""The base of SpatialDropout1D/2D/3D: Dropout of whole feature maps."""

from kcore_layers_core import checks
from kcore_layers_core.layers.regularization.dropout import Dropout


class SpatialDropout(Dropout):
    """Dropout that drops entire channels: one keep/drop draw per (sample, channel), shared by every position of
    the `spatial_rank` spatial axes, as adjacent positions of a feature map are strongly correlated."""

    spatial_rank = None  # set by the subclasses

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = checks.data_format(checks.describe(self), data_format)

    def _layout(self):
        axes = ", ".join(f"dim{i + 1}" for i in range(self.spatial_rank))
        return f"(batch, {axes}, channels)" if self.data_format == "channels_last" else f"(batch, channels, {axes})"

    def build(self, input_shape):
        checks.rank(checks.describe(self), input_shape, self.spatial_rank + 2, self._layout())

    def _noise_shape(self, inputs):
        checks.rank(checks.describe(self), inputs.shape, self.spatial_rank + 2, self._layout())
        ones = (1,) * self.spatial_rank
        shape = inputs.shape
        return (shape[0], *ones, shape[-1]) if self.data_format == "channels_last" else (shape[0], shape[1], *ones)

    def get_config(self):
        config = super().get_config()
        del config["noise_shape"]
        return {**config, "data_format": self.data_format}
