"""`numpy.adam_update`: Adam's `update_in_place` in one pass of C (`adam_step.c`) over each variable's float32
arrays, compiled on first use by `kcore_backend_numpy.native`. Calls it was not written for (float64, arrays
that are not contiguous) and machines without a C compiler run `update_in_place` as written."""

import ctypes
import functools
import pathlib

from kcore_optimizers.adam import update_in_place

_SOURCE = pathlib.Path(__file__).with_name("adam_step.c")


@functools.cache
def compiled():
    """The C update as a ctypes function, or None where it cannot be built (`native.load` says why)."""
    from kcore_backend_numpy import native

    signature = [ctypes.c_int64] + [ctypes.c_void_p] * 4 + [ctypes.c_float] * 4
    library = native.declared(_SOURCE, {"adam_update": signature})
    return None if library is None else library.adam_update


def adam_update(xp, variable, gradient, momentum, velocity, velocity_hat=None, *, alpha, beta_1, beta_2, epsilon):
    arrays = (variable, gradient, momentum, velocity)
    function = compiled() if velocity_hat is None and _takes(xp, arrays) else None
    if function is None:
        return update_in_place(xp, *arrays, velocity_hat, alpha=alpha, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    from kcore_backend_numpy.native import address

    function(variable.size, *map(address, arrays), alpha, 1 - beta_1, 1 - beta_2, epsilon)


def _takes(xp, arrays):
    shape = arrays[0].shape
    return all(a.dtype == xp.float32 and a.shape == shape and a.flags.c_contiguous for a in arrays)
