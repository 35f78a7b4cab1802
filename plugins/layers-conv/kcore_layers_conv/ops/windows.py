"""Sliding windows over the spatial axes of channels-last arrays `(batch, *spatial, channels)`, written once
against the array namespace `xp` (NumPy or CuPy).

- `window_view`: every window as a strided view `(batch, *out, *kernel, channels)`, no copy.
- `im2col`: those windows copied into one contiguous matrix, the left operand of a convolution's GEMM.
- `tap`: the view of the input that one kernel tap reads at every output position; a loop over the kernel's few
  taps (never over pixels or batch items) adds gradients back through these views.
"""

import itertools
import math

#: up to this many channels, im2col copies tap by tap (measured faster on MNIST-sized inputs)
FEW_CHANNELS = 4


def to_channels_last(xp, x, data_format):
    return x if data_format == "channels_last" else xp.moveaxis(x, 1, -1)


def from_channels_last(xp, x, data_format):
    return x if data_format == "channels_last" else xp.moveaxis(x, -1, 1)


def pad_spatial(xp, x, pads, value=0):
    """`x` padded by `pads` (one (before, after) per spatial axis), or `x` itself when there is nothing to pad."""
    if not any(before or after for before, after in pads):
        return x
    return xp.pad(x, ((0, 0), *pads, (0, 0)), mode="constant", constant_values=value)


def window_view(xp, x, kernel, strides, dilations, out):
    """The `(batch, *out, *kernel, channels)` strided view of `x` (already padded) whose
    `[n, *o, *k, c]` is `x[n, *(o * stride + k * dilation), c]`."""
    batch, *_, channels = x.shape
    step = x.strides
    spatial = step[1:-1]
    shape = (batch, *out, *kernel, channels)
    strides_ = (step[0], *(st * s for st, s in zip(spatial, strides, strict=True)),
                *(st * d for st, d in zip(spatial, dilations, strict=True)), step[-1])
    return xp.lib.stride_tricks.as_strided(x, shape=shape, strides=strides_)


def im2col(xp, x, kernel, strides, dilations, out, groups=1):
    """The windows of `x` (padded) as one array `(groups, batch * prod(out), prod(kernel) * channels // groups)`:
    row `(n, *o)` of group `g` holds the window at `o`, taps major, that group's channels minor.

    With few channels (e.g. the first layer on grey or RGB images), the copy runs faster tap by tap: the array is
    then built as `(prod(kernel) * channels, rows)` and returned transposed (a view; matrix products take it
    as it is)."""
    batch, channels = x.shape[0], x.shape[-1]
    per_group = channels // groups
    rows, width = batch * math.prod(out), math.prod(kernel) * per_group
    if groups == 1 and channels <= FEW_CHANNELS:
        step = x.strides
        shape = (*kernel, channels, batch, *out)
        strides_ = (*(st * d for st, d in zip(step[1:-1], dilations, strict=True)), step[-1], step[0],
                    *(st * s for st, s in zip(step[1:-1], strides, strict=True)))
        view = xp.lib.stride_tricks.as_strided(x, shape=shape, strides=strides_)
        return xp.ascontiguousarray(view).reshape(1, width, rows).transpose(0, 2, 1)
    view = window_view(xp, x, kernel, strides, dilations, out)
    if groups == 1:
        # contiguous: where the windows overlap in memory (one batch item of a 1D input), the reshape alone would
        # be a view whose rows overlap, which NumPy multiplies without its BLAS (and with other roundings)
        return xp.ascontiguousarray(view.reshape(1, rows, width))
    grouped = view.reshape(*view.shape[:-1], groups, per_group)
    return xp.moveaxis(grouped, -2, 0).reshape(groups, rows, width)


def taps(kernel):
    """Every kernel tap, as a tuple of indices, in row-major order (the order of `im2col`'s columns)."""
    return itertools.product(*(range(k) for k in kernel))


def tap(x, index, strides, dilations, out):
    """The view `x[:, *(index * dilation + o * stride for o in range(out)), :]` read by one kernel tap."""
    key = tuple(slice(i * d, i * d + (o - 1) * s + 1, s)
                for i, s, d, o in zip(index, strides, dilations, out, strict=True))
    return x[(slice(None), *key)]
