"""BaseGlobalPooling: what the global max and average pooling layers share."""

from kcore_layers_core import checks

from kcore import ops
from kcore.layers.layer import Layer
from kcore_layers_conv.layers import spatial
from kcore_layers_conv.ops import geometry


class BaseGlobalPooling(Layer):
    """The maximum or mean (the subclass's `pool_mode`) over all `rank` spatial axes: `(batch, channels)`, or
    with `keepdims=True` the input's rank with each spatial axis of length 1."""

    rank = None
    pool_mode = None  # "max" or "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = geometry.data_format(data_format, checks.describe(self))
        self.keepdims = bool(keepdims)

    def build(self, input_shape):
        spatial.check_rank(self, input_shape, self.rank, self.data_format)

    def call(self, inputs):
        spatial.check_rank(self, inputs.shape, self.rank, self.data_format)
        reduce = ops.max if self.pool_mode == "max" else ops.mean
        return reduce(spatial.floating(inputs, self.dtype), axis=spatial.spatial_axes(self.rank, self.data_format),
                      keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        spatial.check_rank(self, input_shape, self.rank, self.data_format)
        batch, _, channels = spatial.split(input_shape, self.data_format)
        if not self.keepdims:
            return (batch, channels)
        return spatial.join(batch, (1,) * self.rank, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}
