"""`numpy.max_pool`: the `max_pool` op on the NumPy backend, forward and gradient each one pass of C (`max_pool.c`).

The NumPy form makes one pass over the batch per window tap, plus bool temporaries, on one core. This kernel
reads each window once (keeping the winning tap of each output, one byte each) and writes each input's gradient
once, and `native.split` runs parts of the batch on the BLAS's threads. The values and gradients are those of
the op as written, to the bit (ties go to the first tap; padding never wins; overlapping windows add, in the op's
order). Where no input needs a gradient (inference), its value-only form runs a third pass that keeps no winners,
with what a call's shapes decide worked out once per shapes. It takes float32 calls of any rank and data format
whose windows have at most 255 taps; every other call, or every call where nothing could be compiled, runs the op
as written (its value-only form where no tape records, as `Op` does without a kernel).
"""

import ctypes
import functools
import math
import pathlib

from kcore.autodiff import recording
from kcore_layers_conv.ops import geometry, pooling
from kcore_layers_conv.ops.windows import from_channels_last, to_channels_last

written = pooling.max_pool.fn  # the op as written

_SOURCE = pathlib.Path(__file__).with_name("max_pool.c")
_P, _N = ctypes.c_void_p, ctypes.c_int64
_SIGNATURES = {"max_pool_forward": [_N, _N, _P, _P, _P, _P], "max_pool_backward": [_N, _N, _P, _P, _P, _P],
               "max_pool_values": [_N, _N, _P, _P, _P]}
#: the fewest input elements worth a thread of their own (1 MiB of float32): below, handing a part to another
#: thread gained nothing on the MNIST convnet's second pooling layer, (64, 11, 11, 64), on a 2-core machine
_PER_THREAD = 1 << 18


@functools.cache
def _native():
    """`kcore_backend_numpy.native`, or None where it is not installed; imported once (an import statement costs
    a microsecond a call)."""
    try:
        from kcore_backend_numpy import native
    except ImportError:  # the kernel is bound on the NumPy backend only, but may be called directly
        return None
    return native


@functools.cache
def compiled():
    """The C passes as a ctypes library, or None where they cannot be built (`native.load` says why)."""
    native = _native()
    return None if native is None else native.declared(_SOURCE, _SIGNATURES)


@functools.lru_cache(maxsize=256)
def _geometry(xp, win, channels):
    """The int64 array `max_pool.c` reads a call's shape from: every call as 3D (missing axes of length 1)."""
    lead = 3 - len(win.kernel)

    def three(values, fill):
        return (fill,) * lead + tuple(values)

    numbers = (channels, *three(win.spatial, 1), *three(win.out, 1), *three(win.kernel, 1), *three(win.strides, 1),
               *three((before for before, _ in win.pads), 0))
    return xp.array(numbers, dtype=xp.int64)


def _run(function, batch, per_item, *arrays):
    """`function` over the batch, on the BLAS's threads where it is large enough; `arrays` are arrays or the
    addresses of arrays that their caller keeps alive."""
    native = _native()
    addresses = [a if type(a) is int else native.address(a) for a in arrays]
    minimum = -(-_PER_THREAD // max(per_item, 1))
    if batch < 2 * minimum:  # one part, as `split` would decide, at less cost
        function(0, batch, *addresses)
    else:
        native.split(function, batch, *addresses, minimum=minimum)


def _library(xp, x, win):
    """The compiled passes, where they take this call (float32, at most 255 taps), else None."""
    return compiled() if x.dtype == xp.float32 and math.prod(win.kernel) <= 255 else None


def max_pool(xp, inputs, pool_size, strides=None, padding="valid", data_format=None):
    fmt, x, win = pooling._setup(xp, "max_pool", inputs, pool_size, strides, padding, data_format)
    library = _library(xp, x, win)
    if library is None:
        return _as_written(xp, inputs, pool_size, strides, padding, data_format)
    x = xp.ascontiguousarray(x)
    shape, batch, per_item = x.shape, x.shape[0], math.prod(x.shape[1:])
    geometry = _geometry(xp, win, shape[-1])
    out = xp.empty((batch, *win.out, shape[-1]), dtype=xp.float32)
    winner = xp.empty(out.shape, dtype=xp.uint8)  # the winning tap of each output, for the gradient
    _run(library.max_pool_forward, batch, per_item, x, out, winner, geometry)

    def vjp(g):
        g_last = to_channels_last(xp, g, fmt)
        if g_last.dtype != xp.float32 or g_last.shape != winner.shape:  # rare: the op as written routes it
            return written(xp, inputs, pool_size, strides, padding, data_format)[1][0](g)
        grad = xp.empty(shape, dtype=xp.float32)
        _run(library.max_pool_backward, batch, per_item, xp.ascontiguousarray(g_last), winner, grad, geometry)
        return from_channels_last(xp, grad, fmt)

    return from_channels_last(xp, out, fmt), (vjp,)


@geometry.remembered
def _plan(xp, shape, pool_size, strides, padding, data_format):
    """What the value-only pass needs of a call's shapes, worked out once per shapes (as the op checks them):
    (layout, whether the C pass takes its window, the channels-last output shape, the input elements per batch
    item, the geometry array, its address)."""
    fmt, win = pooling._geometry("max_pool", shape, pool_size, strides, padding, data_format,
                                 geometry.data_format(data_format, "ops.max_pool"))
    channels = shape[-1] if fmt == "channels_last" else shape[1]
    array = _geometry(xp, win, channels)
    return (fmt, math.prod(win.kernel) <= 255, (shape[0], *win.out, channels), math.prod(shape[1:]), array,
            _native().address(array))


def _max_pool_value(xp, inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The value alone, where no input needs a gradient (inference): one C pass that keeps no winners."""
    library = compiled() if inputs.dtype == xp.float32 else None
    if library is not None:  # `plan` keeps the geometry array alive, whose `address` the pass reads
        plan = _plan(xp, inputs.shape, pool_size, strides, padding, data_format)
        fmt, taken, out_shape, per_item, _, address = plan
    if library is None or not taken:
        return pooling._max_pool_value(xp, inputs, pool_size, strides, padding, data_format)
    x = xp.ascontiguousarray(to_channels_last(xp, inputs, fmt))
    out = xp.empty(out_shape, dtype=xp.float32)
    _run(library.max_pool_values, out_shape[0], per_item, x, out, address)
    return from_channels_last(xp, out, fmt)


max_pool.value_only = _max_pool_value


def _as_written(xp, *args):
    """The op as written. With no tape recording, no caller can want the gradient: then the op's value-only form
    (what `Op` runs there when no kernel is bound), and a VJP that runs the whole op only if called."""
    if recording.depth:
        return written(xp, *args)
    return pooling._max_pool_value(xp, *args), (lambda g: written(xp, *args)[1][0](g),)
