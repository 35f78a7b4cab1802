"""BaseAdaptivePooling: what the adaptive average and max pooling layers share, and the bins they pool over.

Each spatial axis of length L is split into `out` bins as Keras 3 (and PyTorch's AdaptiveAvgPool) splits it:
bin i covers [floor(i * L / out), ceil((i + 1) * L / out)). Bins overlap where L does not divide evenly, and
repeat positions where out > L. A bin is a product of one interval per axis, so pooling one axis after the
other gives the mean or maximum over the whole bin.

Example:
    >>> adaptive_bins(5, 3)
    ((0, 2), (1, 4), (3, 5))
"""

from kcore_layers_core import checks

from kcore import ops
from kcore.errors import ShapeError
from kcore.layers.layer import Layer
from kcore_layers_conv.layers import spatial
from kcore_layers_conv.ops import geometry


def adaptive_bins(length, out):
    """The (start, end) of each of the `out` bins of an axis of `length` positions (integer arithmetic, so no
    rounding error for large sizes)."""
    return tuple(((i * length) // out, -((-(i + 1) * length) // out)) for i in range(out))


def _average_matrix(xp, length, out, dtype):
    """The `(out, length)` matrix whose row i averages bin i: 1 / (bin size) over the bin, 0 elsewhere."""
    matrix = xp.zeros((out, length), dtype=dtype)
    for i, (start, end) in enumerate(adaptive_bins(length, out)):
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def _average_along(x, axis, out):
    """The mean over each bin of `axis`: one product with the bin matrix (its gradient is the transposed
    product)."""
    length = x.shape[axis]
    if length == out:
        return x
    from kcore import backend

    matrix = _average_matrix(backend.get().xp, length, out, str(x.dtype))
    return ops.moveaxis(ops.tensordot(matrix, x, axes=([1], [axis])), 0, axis)


def _max_along(x, axis, out):
    """The maximum over each bin of `axis`: one vectorised reduction per bin, the results side by side (the
    gradient goes to each bin's maximum; ties share it)."""
    length = x.shape[axis]
    if length == out:
        return x
    before = (slice(None),) * axis
    parts = [ops.max(ops.get_item(x, (*before, slice(start, end))), axis=axis, keepdims=True)
             for start, end in adaptive_bins(length, out)]
    return parts[0] if out == 1 else ops.concatenate(parts, axis=axis)


class BaseAdaptivePooling(Layer):
    """The mean or maximum (the subclass's `pool_mode`) over `output_size` bins of each of `rank` spatial axes,
    whatever the input's lengths. The subclasses fix `rank` and `pool_mode`."""

    rank = None
    pool_mode = None  # "max" or "average"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.output_size = geometry.spatial_tuple(output_size, self.rank, "output_size", where)
        self.data_format = geometry.data_format(data_format, where)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        along = _max_along if self.pool_mode == "max" else _average_along
        outputs = spatial.floating(inputs, self.dtype)
        for axis, out in zip(spatial.spatial_axes(self.rank, self.data_format), self.output_size, strict=True):
            outputs = along(outputs, axis, out)
        return outputs

    def compute_output_shape(self, input_shape):
        spatial.check_rank(self, input_shape, self.rank, self.data_format)
        batch, lengths, channels = spatial.split(input_shape, self.data_format)
        if any(n == 0 for n in lengths):
            raise ShapeError(f"{checks.describe(self)} cannot pool inputs with an empty spatial axis; received shape "
                             f"{tuple(input_shape)} ({self.data_format}). Give every spatial axis at least one "
                             f"position.")
        return spatial.join(batch, self.output_size, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "output_size": self.output_size, "data_format": self.data_format}
