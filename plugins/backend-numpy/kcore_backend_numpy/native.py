"""C kernels compiled on first use, for the ops whose NumPy form is many small ufunc calls.

A plugin ships a kernel as a `.c` file of plain C functions beside its op, and asks for it with `load(path)`.
The first call compiles it with the machine's C compiler (`$CC`, else `cc`) for this CPU and keeps the library
in `$KCORE_HOME/native/`, under a name derived from the source, the flags, the compiler and the CPU, so that an
edit, a new compiler or another machine sharing the home folder each get their own build. Later calls, and
later processes, load it in milliseconds.

Where there is no C compiler, or the build fails, or `KCORE_NATIVE=0`, `load` returns None and the op keeps its
NumPy form: the kernels make kcore faster, never required.

A ctypes call releases the GIL, so `split` can run one kernel over parts of a batch on several threads, as
NumPy's BLAS does for the matrix products; `threads()` is how many (the BLAS's setting).

Example:
    >>> library = load(pathlib.Path(__file__).with_name("lstm_step.c"))  # doctest: +SKIP
    >>> library.lstm_forward_step.argtypes = [...]  # doctest: +SKIP
"""

import concurrent.futures
import ctypes
import functools
import hashlib
import os
import pathlib
import platform
import subprocess
import tempfile
import warnings

from kcore import config

#: -fno-trapping-math and -fno-math-errno let the compiler vectorise branch-free clamps and sqrtf: no kernel relies on
#: float exceptions or errno.
FLAGS = ("-O3", "-march=native", "-fno-trapping-math", "-fno-math-errno", "-fPIC", "-shared")


def enabled():
    return os.environ.get("KCORE_NATIVE", "1").strip().lower() not in ("0", "false", "no", "off")


def _cpu():
    """What identifies this CPU for `-march=native`: its model and feature flags where Linux says them."""
    try:
        lines = pathlib.Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or platform.machine()
    wanted = [line for line in lines if line.startswith(("model name", "flags", "Features", "CPU part"))]
    return "\n".join(dict.fromkeys(wanted))


def _compiler():
    return os.environ.get("CC") or "cc"


def library_path(source):
    """Where the compiled form of `source` is kept on this machine."""
    text = pathlib.Path(source).read_bytes()
    key = hashlib.sha256(b"\0".join([text, " ".join((_compiler(), *FLAGS)).encode(), _cpu().encode()]))
    return pathlib.Path(config.home()) / "native" / f"{pathlib.Path(source).stem}-{key.hexdigest()[:16]}.so"


def _build(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    # compiled beside the target and renamed into place: processes building at once each get a whole library
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".so")
    os.close(handle)
    try:
        command = [_compiler(), *FLAGS, "-o", partial, str(source)]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
        except subprocess.CalledProcessError:  # a compiler without -march=native (some clang on ARM) may still build
            subprocess.run([arg for arg in command if arg != "-march=native"], check=True, capture_output=True,
                           text=True, timeout=120)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


@functools.cache
def load(source):
    """The C file `source` as a `ctypes.CDLL`, compiled if this machine has no build of it yet; None where it
    cannot be built (see the module docstring). Declare each function's `argtypes` before calling it."""
    if not enabled():
        return None
    target = library_path(source)
    if not target.exists():
        try:
            _build(source, target)
        except (OSError, subprocess.SubprocessError) as error:
            detail = getattr(error, "stderr", None) or error
            warnings.warn(f"kcore could not compile {pathlib.Path(source).name} with {_compiler()!r} ({detail}); "
                          f"the ops that use it run on NumPy alone, correctly but slower. Install a C compiler "
                          f"(gcc or clang) or point $CC at one; set KCORE_NATIVE=0 to skip compiling and silence "
                          f"this.", RuntimeWarning, stacklevel=3)
            return None
    return ctypes.CDLL(str(target))


def declared(source, signatures):
    """`load(source)` with the argument types of its functions declared, `signatures` being `{name: [ctypes
    types]}` (the functions return nothing); None where it cannot be built."""
    library = load(source)
    if library is not None:
        for name, argtypes in signatures.items():
            function = getattr(library, name)
            function.argtypes, function.restype = argtypes, None
    return library


@functools.cache
def threads():
    """How many threads a kernel may use: the BLAS's setting (OPENBLAS_NUM_THREADS, then OMP_NUM_THREADS), else
    the cores this process may run on."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@functools.cache
def _pool(pid):
    """The worker threads of process `pid`: a child made by fork inherits the parent's pool without its threads,
    and would wait on it for ever, so each process makes its own."""
    return concurrent.futures.ThreadPoolExecutor(threads() - 1, thread_name_prefix="kcore-native")


def address(array):
    """The address of the first element of a C-contiguous NumPy array, to pass to a kernel. NumPy's
    `array.ctypes.data` builds an object on every call (about 3 us); a writable array's buffer is quicker."""
    try:
        return ctypes.addressof(ctypes.c_char.from_buffer(array))
    except (TypeError, ValueError):  # read-only or empty: the slow way
        return array.ctypes.data


def split(function, count, *args, minimum=1):
    """`function(start, stop, *args)` over `[0, count)` cut into one part per thread (at least `minimum` items
    each), the last part on the calling thread; returns when all are done."""
    if count < 2 * minimum or threads() == 1:
        function(0, count, *args)
        return
    parts = max(1, min(threads(), count // max(minimum, 1)))
    bounds = [count * i // parts for i in range(parts + 1)]
    pool = _pool(os.getpid())
    pending = [pool.submit(function, bounds[i], bounds[i + 1], *args) for i in range(parts - 1)]
    function(bounds[-2], bounds[-1], *args)
    for future in pending:
        future.result()
