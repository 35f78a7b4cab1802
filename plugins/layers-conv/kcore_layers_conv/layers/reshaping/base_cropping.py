"""BaseCropping: positions cut off the start and end of each spatial axis (Cropping1D/2D/3D)."""

from kcore_layers_core import checks

from kcore import ops
from kcore.errors import ShapeError
from kcore.layers.layer import Layer
from kcore_layers_conv.layers import spatial
from kcore_layers_conv.ops import geometry


class BaseCropping(Layer):
    """Crops the `rank` spatial axes: `cropping` is one (start, end) pair per axis."""

    rank = None

    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self._pairs = spatial.pairs(self._as_pairs(cropping), self.rank, "cropping", where)
        self.cropping = self._keras_form(self._pairs)
        self.data_format = geometry.data_format(data_format, where)

    def _as_pairs(self, cropping):
        """The argument as `spatial.pairs` reads it (1D layers take one flat (start, end) pair)."""
        return cropping

    def _keras_form(self, pairs):
        """How Keras stores the argument (and its config shows it)."""
        return pairs

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        key = [slice(None)] * len(inputs.shape)
        for axis, (start, end) in zip(spatial.spatial_axes(self.rank, self.data_format), self._pairs, strict=True):
            key[axis] = slice(start, inputs.shape[axis] - end)
        return ops.get_item(inputs, tuple(key))

    def compute_output_shape(self, input_shape):
        spatial.check_rank(self, input_shape, self.rank, self.data_format)
        batch, lengths, channels = spatial.split(input_shape, self.data_format)
        out = tuple(None if n is None else n - b - a for n, (b, a) in zip(lengths, self._pairs, strict=True))
        if any(n is not None and n <= 0 for n in out):
            raise ShapeError(f"{checks.describe(self)}: cropping={self._pairs} leaves nothing of inputs of shape "
                             f"{tuple(input_shape)}; crop less than each spatial axis's length.")
        return spatial.join(batch, out, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
