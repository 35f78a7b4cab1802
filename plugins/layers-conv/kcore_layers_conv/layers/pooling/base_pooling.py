"""BasePooling: what the max and average pooling layers share (Keras 3's arguments and config)."""

from kcore_layers_core import checks

from kcore import ops
from kcore.errors import ShapeError
from kcore.layers.layer import Layer
from kcore_layers_conv.layers import spatial
from kcore_layers_conv.ops import geometry


class BasePooling(Layer):
    """`ops.max_pool` or `ops.average_pool` (the subclass's `pool_mode`) over `rank` spatial axes.

    `strides` defaults to `pool_size` (windows side by side). The subclasses fix `rank` and `pool_mode`.
    """

    rank = None
    pool_mode = None  # "max" or "average"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.pool_size = geometry.spatial_tuple(pool_size, self.rank, "pool_size", where)
        self.strides = geometry.spatial_tuple(self.pool_size if strides is None else strides, self.rank, "strides",
                                              where)
        self.padding = geometry.padding_mode(padding, where)
        self.data_format = geometry.data_format(data_format, where)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def call(self, inputs):
        spatial.check_rank(self, inputs.shape, self.rank, self.data_format)
        pool = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return pool(spatial.floating(inputs, self.dtype), self.pool_size, strides=self.strides, padding=self.padding,
                    data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        spatial.check_rank(self, input_shape, self.rank, self.data_format)
        batch, lengths, channels = spatial.split(input_shape, self.data_format)
        out = tuple(geometry.output_length(n, k, s, 1, self.padding)
                    for n, k, s in zip(lengths, self.pool_size, self.strides, strict=True))
        if any(n is not None and n <= 0 for n in out):
            raise ShapeError(f"{checks.describe(self)}: a window of pool_size={self.pool_size} does not fit in "
                             f"inputs of shape {tuple(input_shape)} with padding='valid'. Use padding='same', a "
                             f"smaller pool_size, or larger inputs.")
        return spatial.join(batch, out, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}
