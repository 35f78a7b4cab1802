"""Convolution ops with Keras 3's names and arguments: `conv`, `depthwise_conv`, `separable_conv`.

Each works for 1D, 2D and 3D inputs (rank 3, 4, 5), channels_last or channels_first, and returns its value with
the VJP of each input beside it (see `correlation` for the matrix products behind both).

Example:
    >>> x = np.ones((1, 5, 5, 2), "float32"); k = np.ones((3, 3, 2, 4), "float32")
    >>> conv(x, k, padding="same").shape
    (1, 5, 5, 4)
"""

from kcore.errors import ShapeError
from kcore.ops.op import op
from kcore_layers_conv.ops import correlation, geometry
from kcore_layers_conv.ops.windows import from_channels_last, pad_spatial, to_channels_last


def check_ranks(name, x, kernel, layout="(*kernel_size, in_channels, out_channels)"):
    if x.ndim not in (3, 4, 5) or kernel.ndim != x.ndim:
        raise ShapeError(f"ops.{name} takes inputs of rank 3, 4 or 5 (batch, *spatial, channels) and a kernel of "
                         f"the same rank {layout}; received inputs of shape {tuple(x.shape)} and a kernel of "
                         f"shape {tuple(kernel.shape)}.")


def _groups(name, channels, kernel_shape):
    per_group = kernel_shape[-2]
    if per_group <= 0 or channels % per_group or kernel_shape[-1] % (channels // per_group):
        raise ShapeError(f"ops.{name}: the kernel of shape {tuple(kernel_shape)} takes {per_group} input "
                         f"channels per group, which does not divide the input's {channels} channels into groups "
                         f"that also divide its {kernel_shape[-1]} filters. A kernel for inputs of {channels} "
                         f"channels has shape (*kernel_size, {channels} // groups, filters).")
    return channels // per_group


@geometry.remembered
def _geometry(name, shape, kernel_shape, strides, padding, dilation_rate, groups, fmt):
    """The checked layout, group count and window of one convolution call."""
    if len(shape) not in (3, 4, 5) or len(kernel_shape) != len(shape):
        raise ShapeError(f"ops.{name} takes inputs of rank 3, 4 or 5 (batch, *spatial, channels) and a kernel of "
                         f"the same rank (*kernel_size, in_channels, out_channels); received inputs of shape "
                         f"{shape} and a kernel of shape {kernel_shape}.")
    channels_last = shape if fmt == "channels_last" else (shape[0], *shape[2:], shape[1])
    groups = _groups(name, channels_last[-1], kernel_shape) if groups is None else groups
    win = geometry.window(name, channels_last[1:-1], kernel_shape[:-2], strides, padding, dilation_rate,
                          allow_causal=True)
    return fmt, groups, win


def _forward(xp, x, kernel, strides, padding, data_format, dilation_rate, name, groups):
    """(layout, groups, Window, channels-last `x`, channels-last `y`, im2col matrix) of one convolution call."""
    fmt, groups, win = _geometry(name, tuple(x.shape), tuple(kernel.shape), strides, padding, dilation_rate, groups,
                                 geometry.data_format(data_format, f"ops.{name}"))
    x = to_channels_last(xp, x, fmt)
    y, cols = correlation.forward(xp, pad_spatial(xp, x, win.pads), kernel, win.strides, win.dilations, win.out,
                                  groups)
    return fmt, groups, win, x, y, cols


def convolve(xp, x, kernel, strides, padding, data_format, dilation_rate, name, groups=None):
    """The shared body of the convolution ops: `(y, input_vjp, kernel_vjp)`, in `data_format`'s layout."""
    fmt, groups, win, x, y, cols = _forward(xp, x, kernel, strides, padding, data_format, dilation_rate, name,
                                            groups)

    def input_vjp(g):
        grad = correlation.input_grad(xp, to_channels_last(xp, g, fmt), kernel, (x.shape[0], *win.padded,
                                      x.shape[-1]), win.strides, win.dilations, groups)
        return from_channels_last(xp, correlation.crop(grad, win.pads, win.spatial), fmt)

    def kernel_vjp(g):
        return correlation.kernel_grad(xp, cols, to_channels_last(xp, g, fmt), kernel.shape, groups)

    return from_channels_last(xp, y, fmt), input_vjp, kernel_vjp


@op(inputs=2)
def conv(xp, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D cross-correlation of `inputs` with `kernel` `(*kernel_size, channels // groups, filters)`; the groups
    follow from the kernel's shape, as in Keras. `padding` is "valid", "same", or "causal" (1D)."""
    y, input_vjp, kernel_vjp = convolve(xp, inputs, kernel, strides, padding, data_format, dilation_rate, "conv")
    return y, (input_vjp, kernel_vjp)


@conv.value_only
def _conv_value(xp, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """`conv` where no gradient is wanted: its value, with no VJPs made."""
    fmt, *_, y, _ = _forward(xp, inputs, kernel, strides, padding, data_format, dilation_rate, "conv", None)
    return from_channels_last(xp, y, fmt)


def _depthwise_as_grouped(kernel):
    """A depthwise kernel `(*kernel_size, channels, multiplier)` as the equivalent grouped kernel
    `(*kernel_size, 1, channels * multiplier)`: output channel `c * multiplier + m` reads input channel `c`."""
    *spatial, channels, multiplier = kernel.shape
    return kernel.reshape(*spatial, 1, channels * multiplier)


@op(inputs=2)
def depthwise_conv(xp, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Each input channel convolved with its own `depth_multiplier` filters; `kernel` is
    `(*kernel_size, channels, depth_multiplier)` and the output has `channels * depth_multiplier` channels."""
    check_ranks("depthwise_conv", inputs, kernel, "(*kernel_size, channels, depth_multiplier)")
    channels = inputs.shape[-1 if geometry.data_format(data_format, "ops.depthwise_conv") == "channels_last" else 1]
    if kernel.shape[-2] != channels:
        raise ShapeError(f"ops.depthwise_conv: the kernel of shape {tuple(kernel.shape)} is for "
                         f"{kernel.shape[-2]} input channels; the inputs of shape {tuple(inputs.shape)} have "
                         f"{channels}. Its shape must be (*kernel_size, {channels}, depth_multiplier).")
    y, input_vjp, kernel_vjp = convolve(xp, inputs, _depthwise_as_grouped(kernel), strides, padding, data_format,
                                        dilation_rate, "depthwise_conv", groups=channels)
    return y, (input_vjp, lambda g: kernel_vjp(g).reshape(kernel.shape))


@op(inputs=3)
def separable_conv(xp, inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """A depthwise convolution followed by a pointwise (1 x ... x 1) one, as Keras's `separable_conv`."""
    depthwise, (input_vjp, depthwise_vjp) = depthwise_conv.impl(xp, inputs, depthwise_kernel, strides, padding,
                                                                 data_format, dilation_rate)
    out, (pointwise_input_vjp, pointwise_vjp) = conv.impl(xp, depthwise, pointwise_kernel, 1, "valid", data_format)
    middle = {}

    def through_pointwise(g):  # shared by the first two VJPs: compute it once per backward pass
        if middle.get("g") is not g:
            middle["g"], middle["grad"] = g, pointwise_input_vjp(g)
        return middle["grad"]

    return out, (lambda g: input_vjp(through_pointwise(g)), lambda g: depthwise_vjp(through_pointwise(g)),
                 pointwise_vjp)
