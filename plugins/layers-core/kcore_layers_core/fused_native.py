"""`numpy.bias_relu`: the `bias_relu` op (fused.py) and its gradient through relu, each one pass of C
(`bias_relu.c`) shared between the BLAS's threads, compiled on first use by `kcore_backend_numpy.native`; where no
input needs a gradient (inference), its value-only form runs the forward pass alone and builds no VJPs. Calls
it was not written for (not float32, a bias that is not one value per channel, arrays that are not contiguous)
and machines without a C compiler run the op as written."""

import ctypes
import functools
import pathlib

from kcore_layers_core.fused import bias_relu as bias_relu_op
from kcore_layers_core.fused import relu_vjps

_SOURCE = pathlib.Path(__file__).with_name("bias_relu.c")
_ROWS_PER_THREAD = 1 << 16  # elements below which a second thread costs more than it saves


@functools.cache
def _native():
    """`kcore_backend_numpy.native`, imported on first use (an import statement costs a microsecond a call)."""
    from kcore_backend_numpy import native

    return native


@functools.cache
def compiled():
    """The C functions as a ctypes library, or None where they cannot be built (`native.load` says why)."""
    return _native().declared(_SOURCE, {"bias_relu": [ctypes.c_int64] * 3 + [ctypes.c_void_p] * 3,
                                     "relu_gradient": [ctypes.c_int64] * 2 + [ctypes.c_void_p] * 3})


def bias_relu(xp, outputs, bias, overwrite=False):
    library = compiled() if _takes(xp, outputs, bias) else None
    if library is None:
        return bias_relu_op.fn(xp, outputs, bias, overwrite)
    address, split = _native().address, _native().split
    y = _forward(xp, library, outputs, bias, overwrite)

    def through_relu(g):
        g = xp.ascontiguousarray(g, dtype=xp.float32)
        out = xp.empty_like(y)
        split(library.relu_gradient, y.size, address(g), address(y), address(out), minimum=_ROWS_PER_THREAD)
        return out

    return y, relu_vjps(xp, y, bias, through_relu)


def _bias_relu_value(xp, outputs, bias, overwrite=False):
    """The value alone, where no input needs a gradient (inference): the same C pass, and no VJPs to build."""
    library = compiled() if _takes(xp, outputs, bias) else None
    if library is None:
        return bias_relu_op.fn(xp, outputs, bias, overwrite)[0]
    return _forward(xp, library, outputs, bias, overwrite)


bias_relu.value_only = _bias_relu_value


def _forward(xp, library, outputs, bias, overwrite):
    native = _native()
    address = native.address
    channels = bias.shape[0]
    rows = outputs.size // channels
    source = address(outputs)
    y = outputs if overwrite else xp.empty_like(outputs)
    target = source if overwrite else address(y)
    minimum = max(1, _ROWS_PER_THREAD // channels)
    if rows < 2 * minimum:  # too small to share between threads (as `split` would find, at less cost)
        library.bias_relu(0, rows, channels, source, address(bias), target)
    else:
        native.split(library.bias_relu, rows, channels, source, address(bias), target, minimum=minimum)
    return y


def _takes(xp, outputs, bias):
    return (outputs.dtype == xp.float32 and bias.dtype == xp.float32 and bias.ndim == 1 and outputs.ndim >= 1
            and outputs.shape[-1] == bias.shape[0] and outputs.flags.c_contiguous and bias.flags.c_contiguous)
