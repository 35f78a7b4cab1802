"""BaseZeroPadding: zeros added before and after each spatial axis (ZeroPadding1D/2D/3D)."""

from kcore_layers_core import checks

from kcore import ops
from kcore.layers.layer import Layer
from kcore_layers_conv.layers import spatial
from kcore_layers_conv.ops import geometry


class BaseZeroPadding(Layer):
    """Pads the `rank` spatial axes with zeros: `padding` is one (before, after) pair per axis."""

    rank = None

    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self._pairs = spatial.pairs(self._as_pairs(padding), self.rank, "padding", where)
        self.padding = self._keras_form(self._pairs)
        self.data_format = geometry.data_format(data_format, where)

    def _as_pairs(self, padding):
        """The argument as `spatial.pairs` reads it (1D layers take one flat (start, end) pair)."""
        return padding

    def _keras_form(self, pairs):
        """How Keras stores the argument (and its config shows it)."""
        return pairs

    def build(self, input_shape):
        spatial.check_rank(self, input_shape, self.rank, self.data_format)

    def call(self, inputs):
        spatial.check_rank(self, inputs.shape, self.rank, self.data_format)
        widths = [(0, 0)] * len(inputs.shape)
        for axis, pair in zip(spatial.spatial_axes(self.rank, self.data_format), self._pairs, strict=True):
            widths[axis] = pair
        return ops.pad(inputs, tuple(widths))

    def compute_output_shape(self, input_shape):
        spatial.check_rank(self, input_shape, self.rank, self.data_format)
        batch, lengths, channels = spatial.split(input_shape, self.data_format)
        out = tuple(None if n is None else n + b + a for n, (b, a) in zip(lengths, self._pairs, strict=True))
        return spatial.join(batch, out, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
