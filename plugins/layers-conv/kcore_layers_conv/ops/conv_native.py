"""`numpy.conv`: the `conv` op on the NumPy backend, with its im2col matrix built in C (`conv.c`) where no gradient
is wanted.

Inference runs `conv` with nothing to record, where the op's NumPy form costs more than its arithmetic on small
batches: making the strided view of the windows costs more than copying them, and the copy runs one channel run at a
time. Here a C pass builds the very matrix that `windows.im2col` makes (padding written in place, in the same
layout: transposed for inputs with few channels), and NumPy's BLAS multiplies it by the kernel as the op does: the
values are the op's, to the bit. Under a tape the kernel is the op as written, whose VJPs read its im2col matrix.

It takes float32 calls without groups; every other call, or every call where nothing could be compiled, runs the op
as written (its value-only form where nothing records).
"""

import ctypes
import functools
import math
import pathlib

from kcore_layers_conv.ops import geometry
from kcore_layers_conv.ops.conv import _conv_value, _geometry
from kcore_layers_conv.ops.conv import conv as conv_op
from kcore_layers_conv.ops.windows import FEW_CHANNELS, from_channels_last, to_channels_last

written = conv_op.fn  # the op as written

_SOURCE = pathlib.Path(__file__).with_name("conv.c")
_P, _N = ctypes.c_void_p, ctypes.c_int64
_SIGNATURES = {"im2col": [_N, _N, _P, _P, _P], "im2col_transposed": [_N, _N, _P, _P, _P]}
#: the fewest input elements worth a thread of their own, as in `pooling_native`
_PER_THREAD = 1 << 18


@functools.cache
def _native():
    """`kcore_backend_numpy.native`, or None where it is not installed; imported once."""
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


def conv(xp, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Where a gradient may be wanted: the op as written (its kernel VJP reads the im2col matrix it keeps)."""
    return written(xp, inputs, kernel, strides, padding, data_format, dilation_rate)


class _Plan:
    """What one call's shapes decide, worked out once per shapes: the layout, the im2col matrix's shape and which
    C pass builds it, the output's shape, and the geometry `conv.c` reads (an int64 array, every call as 3D with
    missing axes of length 1) with its address."""

    __slots__ = ("fmt", "groups", "transposed", "cols_shape", "kernel_shape", "out_shape", "per_item", "geometry",
                 "address")

    def __init__(self, xp, shape, kernel_shape, strides, padding, dilation_rate, data_format):
        self.fmt, self.groups, win = _geometry("conv", shape, kernel_shape, strides, padding, dilation_rate, None,
                                               geometry.data_format(data_format, "ops.conv"))
        batch, channels, filters = shape[0], shape[-1 if self.fmt == "channels_last" else 1], kernel_shape[-1]
        width, rows = math.prod(win.kernel) * channels, batch * math.prod(win.out)
        self.transposed = channels <= FEW_CHANNELS  # as windows.im2col lays it out: one tap and channel a row
        self.cols_shape = (width, rows) if self.transposed else (rows, width)
        self.kernel_shape, self.out_shape = (width, filters), (batch, *win.out, filters)
        self.per_item = math.prod(shape[1:])
        lead = 3 - len(win.kernel)

        def three(values, fill):
            return (fill,) * lead + tuple(values)

        numbers = (channels, *three(win.spatial, 1), *three(win.out, 1), *three(win.kernel, 1),
                   *three(win.strides, 1), *three(win.dilations, 1), *three((b for b, _ in win.pads), 0), batch)
        self.geometry = xp.array(numbers, dtype=xp.int64)
        self.address = _native().address(self.geometry)


@geometry.remembered
def _plan(xp, shape, kernel_shape, strides, padding, dilation_rate, data_format):
    """The `_Plan` of a call's shapes and arguments, checked as the op checks them (and raising its errors)."""
    return _Plan(xp, shape, kernel_shape, strides, padding, dilation_rate, data_format)


def _run(function, batch, per_item, *addresses):
    native = _native()
    minimum = -(-_PER_THREAD // max(per_item, 1))
    if batch < 2 * minimum:  # one part, as `split` would decide, at less cost
        function(0, batch, *addresses)
    else:
        native.split(function, batch, *addresses, minimum=minimum)


def _conv_value_native(xp, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """The value alone, where no input needs a gradient (inference). See the module docstring."""
    library = compiled() if inputs.dtype == kernel.dtype == xp.float32 else None
    if library is not None:
        plan = _plan(xp, inputs.shape, kernel.shape, strides, padding, dilation_rate, data_format)
    if library is None or plan.groups != 1:
        return _conv_value(xp, inputs, kernel, strides, padding, data_format, dilation_rate)
    address = _native().address
    x = xp.ascontiguousarray(to_channels_last(xp, inputs, plan.fmt))
    cols = xp.empty(plan.cols_shape, dtype=xp.float32)
    _run(library.im2col_transposed if plan.transposed else library.im2col, x.shape[0], plan.per_item, address(x),
         address(cols), plan.address)  # `plan` keeps the geometry array alive while the pass reads it
    y = xp.matmul(cols.T if plan.transposed else cols, kernel.reshape(plan.kernel_shape))  # correlation.forward's
    return from_channels_last(xp, y.reshape(plan.out_shape), plan.fmt)


conv.value_only = _conv_value_native
