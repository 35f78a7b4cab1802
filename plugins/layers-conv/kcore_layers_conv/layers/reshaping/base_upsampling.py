"""BaseUpSampling: each spatial axis stretched by an integer factor (UpSampling1D/2D/3D)."""

from kcore_layers_core import checks

from kcore import ops
from kcore.errors import ConfigError
from kcore.layers.layer import Layer
from kcore_layers_conv.layers import spatial
from kcore_layers_conv.ops import geometry

INTERPOLATIONS = ("nearest", "bilinear")


def _bilinear_matrix(xp, n, factor, dtype):
    """The `(n * factor, n)` matrix that resamples an axis of length n, as Keras's bilinear resize does
    (half-pixel centres, edges clamped)."""
    centres = (xp.arange(n * factor, dtype=dtype) + 0.5) / factor - 0.5
    centres = xp.clip(centres, 0, n - 1)
    low = xp.floor(centres).astype("int64")
    high = xp.minimum(low + 1, n - 1)
    weight = (centres - low).astype(dtype)
    matrix = xp.zeros((n * factor, n), dtype=dtype)
    rows = xp.arange(n * factor)
    matrix[rows, low] += 1 - weight
    matrix[rows, high] += weight
    return matrix


class BaseUpSampling(Layer):
    """Repeats each position `size` times along each of the `rank` spatial axes ("nearest"), or, for
    `interpolation="bilinear"`, resamples linearly between neighbours."""

    rank = None

    def __init__(self, size, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.size = geometry.spatial_tuple(size, self.rank, "size", where)
        self.data_format = geometry.data_format(data_format, where)
        self.interpolation = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if self.interpolation not in INTERPOLATIONS:
            raise ConfigError(f"{where}: `interpolation` must be one of {INTERPOLATIONS}. Received: "
                              f"interpolation={interpolation!r}")

    def build(self, input_shape):
        spatial.check_rank(self, input_shape, self.rank, self.data_format)

    def call(self, inputs):
        spatial.check_rank(self, inputs.shape, self.rank, self.data_format)
        outputs = inputs
        for axis, factor in zip(spatial.spatial_axes(self.rank, self.data_format), self.size, strict=True):
            if factor == 1:
                continue
            if self.interpolation == "nearest":
                outputs = ops.repeat(outputs, factor, axis=axis)
                continue
            from kcore import backend

            matrix = _bilinear_matrix(backend.get().xp, outputs.shape[axis], factor, str(outputs.dtype))
            outputs = ops.moveaxis(ops.tensordot(matrix, outputs, axes=([1], [axis])), 0, axis)
        return outputs

    def compute_output_shape(self, input_shape):
        spatial.check_rank(self, input_shape, self.rank, self.data_format)
        batch, lengths, channels = spatial.split(input_shape, self.data_format)
        out = tuple(None if n is None else n * f for n, f in zip(lengths, self.size, strict=True))
        return spatial.join(batch, out, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
