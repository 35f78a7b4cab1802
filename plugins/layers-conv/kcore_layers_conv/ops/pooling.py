"""Pooling ops with Keras 3's names and arguments: `max_pool` and `average_pool`, for 1D, 2D and 3D inputs.

Both loop over the few taps of the pooling window, each step one vectorised operation on the whole batch (a
strided view per tap, no window copy). `max_pool` remembers which tap won at each output position, and its
gradient goes there (the first one when several tie); `average_pool` spreads its gradient over the window.
With padding="same", the padded positions never win a max and do not count in an average (as in Keras).

Example:
    >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    >>> max_pool(x, 2)[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
"""

import math

from kcore.errors import ShapeError
from kcore.ops.op import op
from kcore_layers_conv.ops import geometry
from kcore_layers_conv.ops.correlation import crop
from kcore_layers_conv.ops.windows import from_channels_last, pad_spatial, tap, taps, to_channels_last


def _setup(xp, name, inputs, pool_size, strides, padding, data_format):
    fmt, win = _geometry(name, tuple(inputs.shape), pool_size, strides, padding, data_format,
                         geometry.data_format(data_format, f"ops.{name}"))
    return fmt, to_channels_last(xp, inputs, fmt), win


@geometry.remembered
def _geometry(name, shape, pool_size, strides, padding, data_format, fmt):
    if len(shape) not in (3, 4, 5):
        raise ShapeError(f"ops.{name} takes inputs of rank 3, 4 or 5 (batch, *spatial, channels); received shape "
                         f"{shape}.")
    spatial = shape[1:-1] if fmt == "channels_last" else shape[2:]
    pool = geometry.spatial_tuple(pool_size, len(spatial), "pool_size", f"ops.{name}")
    return fmt, geometry.window(name, spatial, pool, pool if strides is None else strides, padding, 1)


def _scatter(xp, win, shape, dtype, per_tap):
    """The padded input's gradient: `per_tap(t, view)` writes (or adds) tap `t`'s part into `view`."""
    ones = (1,) * len(win.kernel)
    disjoint = all(s >= k for s, k in zip(win.strides, win.kernel, strict=True))  # each input in one window
    grad = (xp.empty if disjoint and not any(map(any, win.pads)) and _covers(win) else xp.zeros)(shape, dtype)
    for t, index in enumerate(taps(win.kernel)):
        per_tap(t, tap(grad, index, win.strides, ones, win.out), disjoint)
    return crop(grad, win.pads, win.spatial)


def _covers(win):
    """Whether the windows tile the (unpadded) input exactly, so that every input position gets written."""
    return all(s == k and o * s == n for s, k, o, n in zip(win.strides, win.kernel, win.out, win.spatial, strict=True))


@op
def max_pool(xp, inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The maximum over each window of `pool_size` (an int or one per spatial axis), every `strides` (default:
    `pool_size`)."""
    fmt, x, win = _setup(xp, "max_pool", inputs, pool_size, strides, padding, data_format)
    padded = pad_spatial(xp, x, win.pads, value=-math.inf)
    ones = (1,) * len(win.kernel)
    count = math.prod(win.kernel)
    views = [tap(padded, index, win.strides, ones, win.out) for index in taps(win.kernel)]
    if len(views) == 1:
        best, winner = views[0].copy(), xp.zeros(views[0].shape, dtype="uint8")
    else:  # the first two taps without a copy: taps are numbered, so the winner of two is "is the second larger"
        winner = (views[1] > views[0]).view("uint8")
        best = xp.maximum(views[0], views[1])
        if count > 255:
            winner = winner.astype("int32")
    for t, view in enumerate(views[2:], start=2):
        # strictly greater, so ties keep the first tap; later taps have larger numbers, so a maximum records t
        hit = view > best
        hit = hit.view("uint8") if winner.dtype == "uint8" else hit.astype(winner.dtype)
        xp.maximum(winner, hit * winner.dtype.type(t), out=winner)
        xp.maximum(best, view, out=best)

    def vjp(g):
        g = to_channels_last(xp, g, fmt)

        def route(t, view, disjoint):
            if disjoint:
                xp.multiply(g, winner == t, out=view)
            else:
                view += g * (winner == t)

        return from_channels_last(xp, _scatter(xp, win, padded.shape, g.dtype, route), fmt)

    return from_channels_last(xp, best, fmt), (vjp,)


@max_pool.value_only
def _max_pool_value(xp, inputs, pool_size, strides=None, padding="valid", data_format=None):
    """`max_pool` where no gradient is wanted: the running maximum over the taps, without the winners."""
    fmt, x, win = _setup(xp, "max_pool", inputs, pool_size, strides, padding, data_format)
    padded = pad_spatial(xp, x, win.pads, value=-math.inf)
    ones = (1,) * len(win.kernel)
    views = [tap(padded, index, win.strides, ones, win.out) for index in taps(win.kernel)]
    best = xp.maximum(views[0], views[1]) if len(views) > 1 else views[0].copy()
    for view in views[2:]:
        xp.maximum(best, view, out=best)
    return from_channels_last(xp, best, fmt)


@op
def average_pool(xp, inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The mean over each window of `pool_size`, every `strides` (default: `pool_size`); with "same", the
    mean of the input positions inside each window (padding does not count)."""
    fmt, x, win = _setup(xp, "average_pool", inputs, pool_size, strides, padding, data_format)
    padded = pad_spatial(xp, x, win.pads)
    ones = (1,) * len(win.kernel)
    total = None
    for index in taps(win.kernel):
        view = tap(padded, index, win.strides, ones, win.out)
        if total is None:
            total = view.copy()
        else:
            total += view
    if any(map(any, win.pads)):  # how many real inputs each window holds
        counts = None
        mask = pad_spatial(xp, xp.ones((1, *win.spatial, 1), dtype=total.dtype), win.pads)
        for index in taps(win.kernel):
            view = tap(mask, index, win.strides, ones, win.out)
            counts = view.copy() if counts is None else counts + view
        scale = 1 / counts
    else:
        scale = 1 / math.prod(win.kernel)
    out = total * scale

    def vjp(g):
        share = to_channels_last(xp, g, fmt) * scale

        def spread(t, view, disjoint):
            if disjoint:
                view[...] = share
            else:
                view += share

        return from_channels_last(xp, _scatter(xp, win, padded.shape, share.dtype, spread), fmt)

    return from_channels_last(xp, out, fmt), (vjp,)
