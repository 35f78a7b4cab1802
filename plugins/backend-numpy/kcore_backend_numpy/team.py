"""kcore's thread team (`team.c`), and the BLAS the C kernels call from its threads.

A kernel that splits its own loops among threads (the LSTM's sequence, for one) needs those threads to be the
ones NumPy's OpenBLAS uses for its parallel products: OpenBLAS's own workers keep spinning for a tenth of a
second after each product, on the cores such a kernel wants. OpenBLAS 0.3.27 and later can hand its parallel work
to the program instead; `team()` registers the team for that, the first time a kernel asks for it, and from then
on one set of threads (`native.threads()` of them, the caller included) runs both.

Everything here is optional: where NumPy's BLAS is not an OpenBLAS with that callback (Accelerate on macOS, MKL,
a build without threads), or nothing could be compiled, `blas()` or `team()` is None and kernels keep their
NumPy form.

Example:
    >>> t = team()  # doctest: +SKIP
    >>> library.lstm_forward_sequence(ctypes.byref(sequence), t.run, t.members)  # doctest: +SKIP
"""

import contextlib
import ctypes
import functools
import pathlib

from kcore_backend_numpy import native

_SOURCE = pathlib.Path(__file__).with_name("team.c")

#: the symbols of the OpenBLAS that NumPy's wheels bundle (64-bit integers, names prefixed and suffixed)
_SYMBOLS = {"sgemm": "scipy_cblas_sgemm64_", "set_threads": "scipy_openblas_set_num_threads64_",
            "get_threads": "scipy_openblas_get_num_threads64_",
            "callback": "scipy_openblas_set_threads_callback_function64_"}


class Blas:
    """NumPy's OpenBLAS: the address of its `cblas_sgemm` (64-bit integers) and its thread controls."""

    def __init__(self, library):
        self.library = library
        self.sgemm = ctypes.cast(getattr(library, _SYMBOLS["sgemm"]), ctypes.c_void_p).value
        self._set_threads = getattr(library, _SYMBOLS["set_threads"])
        self._set_threads.argtypes, self._set_threads.restype = [ctypes.c_int], None
        self._get_threads = getattr(library, _SYMBOLS["get_threads"])
        self._get_threads.argtypes, self._get_threads.restype = [], ctypes.c_int
        self.set_callback = getattr(library, _SYMBOLS["callback"])
        self.set_callback.argtypes, self.set_callback.restype = [ctypes.c_void_p], None

    @contextlib.contextmanager
    def single_threaded(self):
        """OpenBLAS on one thread inside: for products called from the team's threads, each already one of them."""
        threads = self._get_threads()
        if threads == 1:
            yield
            return
        self._set_threads(1)
        try:
            yield
        finally:
            self._set_threads(threads)


def _bundled_openblas():
    """The OpenBLAS libraries that NumPy's wheel ships beside itself (Linux: numpy.libs; macOS: numpy/.dylibs)."""
    import numpy

    package = pathlib.Path(numpy.__file__).parent
    for folder in (package.parent / "numpy.libs", package / ".dylibs"):
        yield from sorted(folder.glob("*openblas*"))


@functools.cache
def blas():
    """NumPy's OpenBLAS where it has everything the team needs, else None."""
    for path in _bundled_openblas():
        try:
            library = ctypes.CDLL(str(path))
            if all(hasattr(library, symbol) for symbol in _SYMBOLS.values()):
                return Blas(library)
        except OSError:
            continue
    return None


class Team:
    """The compiled team: the addresses of `kc_run` and `kc_barrier` for kernels to call, and its size."""

    def __init__(self, library, members):
        self.library = library
        self.members = members
        self.run = ctypes.cast(library.kc_run, ctypes.c_void_p).value
        self.barrier = ctypes.cast(library.kc_barrier, ctypes.c_void_p).value


@functools.cache
def team():
    """The thread team, running OpenBLAS's parallel work from now on; None where there is no such OpenBLAS or
    `team.c` could not be built."""
    found = blas()
    library = native.load(_SOURCE) if found is not None else None
    if library is None:
        return None
    found.set_callback(ctypes.cast(library.kc_openblas_jobs, ctypes.c_void_p).value)
    return Team(library, native.threads())
