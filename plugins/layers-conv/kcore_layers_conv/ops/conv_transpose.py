"""`conv_transpose`: the transposed ("de-") convolution, with Keras 3's arguments and output shapes.

Its forward pass is the input gradient of a convolution (one GEMM, then window sums put back in place), and its
gradients are a convolution's forward pass and kernel gradient, so all three reuse `correlation`.

Example:
    >>> x = np.ones((1, 4, 4, 3), "float32"); k = np.ones((3, 3, 8, 3), "float32")  # (*kernel, out, in)
    >>> conv_transpose(x, k, strides=2, padding="same").shape
    (1, 8, 8, 8)
"""

from kcore.errors import ConfigError, ShapeError
from kcore.ops.op import op
from kcore_layers_conv.ops import correlation, geometry
from kcore_layers_conv.ops.conv import check_ranks
from kcore_layers_conv.ops.windows import from_channels_last, im2col, pad_spatial, to_channels_last


def _output_padding(output_padding, rank, strides):
    if output_padding is None:
        return (None,) * rank
    values = geometry.spatial_tuple(output_padding, rank, "output_padding", "ops.conv_transpose", allow_zero=True)
    if any(p >= s for p, s in zip(values, strides, strict=True)):
        raise ConfigError(f"ops.conv_transpose: each `output_padding` must be smaller than its stride. Received: "
                          f"output_padding={output_padding!r}, strides={strides}")
    return values


@op(inputs=2)
def conv_transpose(xp, inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """The transposed convolution of `inputs` with `kernel` `(*kernel_size, filters, channels)` (Keras's layout:
    output channels before input channels). Along each axis the output has `n * stride` positions for "same"
    and `(n - 1) * stride + max(kernel, stride)` for "valid", plus `output_padding` when it is given."""
    check_ranks("conv_transpose", inputs, kernel, "(*kernel_size, filters, in_channels)")
    fmt = geometry.data_format(data_format, "ops.conv_transpose")
    x = to_channels_last(xp, inputs, fmt)
    if kernel.shape[-1] != x.shape[-1]:
        raise ShapeError(f"ops.conv_transpose: the kernel of shape {tuple(kernel.shape)} is for "
                         f"{kernel.shape[-1]} input channels (its last axis); the inputs of shape "
                         f"{tuple(inputs.shape)} have {x.shape[-1]}.")
    rank = x.ndim - 2
    where = "ops.conv_transpose"
    strides = geometry.spatial_tuple(strides, rank, "strides", where)
    dilations = geometry.spatial_tuple(dilation_rate, rank, "dilation_rate", where)
    padding = geometry.padding_mode(padding, where)
    extras = _output_padding(output_padding, rank, strides)
    spatial, sizes = x.shape[1:-1], kernel.shape[:-2]
    lengths, starts, buffer = [], [], []
    for n, k, s, d, extra in zip(spatial, sizes, strides, dilations, extras, strict=True):
        left, right = geometry.transpose_padding(k, s, d, padding, extra)
        span = geometry.effective_kernel(k, d)
        length = (n - 1) * s + left + right - span + 2
        start = span - 1 - left  # where the output begins inside the full sum of windows
        if length <= 0:
            raise ShapeError(f"{where}: inputs of shape {tuple(inputs.shape)} give an empty output with "
                             f"kernel {tuple(sizes)}, strides {strides} and padding={padding!r}.")
        lengths.append(length)
        starts.append(start)
        buffer.append(max((n - 1) * s + span, start + length))
    pads = tuple((b, full - b - n) for b, n, full in zip(starts, lengths, buffer, strict=True))
    full_shape = (x.shape[0], *buffer, kernel.shape[-2])
    y = correlation.crop(correlation.input_grad(xp, x, kernel, full_shape, strides, dilations, 1), pads, lengths)

    def padded_grad(g):  # the output gradient placed back in the full sum of windows
        return pad_spatial(xp, to_channels_last(xp, g, fmt), pads)

    def input_vjp(g):
        grad, _ = correlation.forward(xp, padded_grad(g), kernel, strides, dilations, spatial, 1)
        return from_channels_last(xp, grad, fmt)

    def kernel_vjp(g):
        cols = im2col(xp, padded_grad(g), sizes, strides, dilations, spatial)
        return correlation.kernel_grad(xp, cols, x, kernel.shape, 1)

    return from_channels_last(xp, y, fmt), (input_vjp, kernel_vjp)
