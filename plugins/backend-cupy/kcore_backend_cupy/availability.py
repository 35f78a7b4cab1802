"""Whether the cupy backend can run here, and if not, what is missing and how to fix it.

Selecting the cupy backend where it cannot run is a `BackendError` that says which of four things went wrong:
CuPy not installed (the fix is an extra of this distribution, one per CUDA version); CuPy installed but failing
to import (usually a wheel for another CUDA version); no GPU visible (no driver, an old driver, or
CUDA_VISIBLE_DEVICES); or a GPU but no CUDA libraries for CuPy to compute with (CuPy 14 takes NVRTC, cuBLAS and
cuRAND from a CUDA Toolkit or from its `[ctk]` extra). Each check runs when the backend is selected, not at the
first op of a training run.

Example:
    >>> unavailable_reason()  # on a machine without CuPy  # doctest: +SKIP
    'CuPy not installed'
"""

import importlib
import importlib.metadata
import os

from kcore.errors import BackendError

INSTALL = ('pip install "kcore-backend-cupy[cuda12]" (CUDA 12.x) or pip install "kcore-backend-cupy[cuda13]" '
           '(CUDA 13.x); `nvidia-smi` shows the CUDA version your driver supports')
CPU_FALLBACK = "Or set KCORE_BACKEND=numpy to run on the CPU."


def _unavailable(reason, details):
    from kcore import config

    error = BackendError(f"The backend 'cupy' (selected by KCORE_BACKEND or {config.config_path()}) cannot run "
                         f"here: {details} {CPU_FALLBACK}")
    error.reason = reason  # the short form, for test skips and `pytest` headers
    return error


def _label(cupy):
    """'CuPy 14.2.0 (cupy-cuda12x)', naming the wheel when the metadata knows it."""
    wheels = importlib.metadata.packages_distributions().get("cupy", [])
    return f"CuPy {getattr(cupy, '__version__', '?')}" + (f" ({', '.join(sorted(set(wheels)))})" if wheels else "")


_verified = None  # the cupy module that passed the first-computation check (once per process)


def load_cupy():
    """The `cupy` module, once it has found a GPU and computed on it; else a BackendError saying what is missing."""
    global _verified
    try:
        cupy = importlib.import_module("cupy")
    except ModuleNotFoundError as e:
        if e.name != "cupy":  # CuPy is there, one of its own imports is not
            raise _unavailable(f"CuPy failed to import ({e})", _broken(e)) from e
        raise _unavailable("CuPy not installed", f"it needs CuPy, which is not installed. Install the CuPy build "
                                                 f"for your CUDA version with one of this plugin's extras: "
                                                 f"{INSTALL}.") from e
    except ImportError as e:
        raise _unavailable(f"CuPy failed to import ({_first_line(e)})", _broken(e)) from e
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except RuntimeError as e:  # cupy.cuda.runtime.CUDARuntimeError, e.g. cudaErrorNoDevice, cudaErrorInsufficientDriver
        raise _unavailable(f"no CUDA GPU visible ({e})", _no_gpu(cupy, e)) from e
    if count == 0:
        raise _unavailable("no CUDA GPU visible (CuPy counts 0 devices)", _no_gpu(cupy, "it counts 0 devices"))
    if cupy is not _verified:
        try:  # what a first op needs: NVRTC compiles CuPy's kernels, cuBLAS does products, cuRAND draws
            x = cupy.arange(4, dtype="float32")
            float((x * 2 + 1) @ x)
            cupy.random.Generator(cupy.random.Philox4x3210(0)).random(1)
        except Exception as e:  # CuPy raises RuntimeError, CUDARuntimeError, CompileException, OSError here
            raise _unavailable(f"CUDA libraries failed to load ({_first_line(e)})", _no_libraries(cupy, e)) from e
        _verified = cupy
    return cupy


def unavailable_reason():
    """None when the cupy backend can run here, else why not in a few words ('CuPy not installed',
    'no CUDA GPU visible (...)'). Imports CuPy when it is installed."""
    try:
        load_cupy()
    except BackendError as e:
        return e.reason
    return None


def _first_line(error):
    """The line of `error` that says what failed: CuPy's import error opens with general advice and puts the
    cause after "Original error:"."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip() and set(line.strip()) != {"="}]
    if "Original error:" in lines[:-1]:
        return lines[lines.index("Original error:") + 1]
    return lines[0] if lines else type(error).__name__


def _broken(error):
    return (f"CuPy is installed but failed to import: {_first_line(error)}. This usually "
            f"means a CuPy wheel for another CUDA version than the driver's, or two CuPy wheels at once (`pip list "
            f"| grep -i cupy` shows them). Keep one, for your CUDA version: pip uninstall the others, then "
            f"{INSTALL}.")


def _no_gpu(cupy, error):
    hidden = os.environ.get("CUDA_VISIBLE_DEVICES")
    visible = f" and that CUDA_VISIBLE_DEVICES (set to {hidden!r}) does not hide it" if hidden is not None else ""
    if "InsufficientDriver" in str(error):
        advice = (f"That means no NVIDIA driver, or one too old for this CuPy build: install or update the driver, "
                  f"or install the CuPy build for the CUDA version it supports: {INSTALL}")
    else:
        advice = f"Check that `nvidia-smi` lists a GPU{visible}"
    return f"{_label(cupy)} is installed, but it sees no CUDA GPU: {error}. {advice}."


def _no_libraries(cupy, error):
    return (f"{_label(cupy)} sees a GPU, but a first computation on it failed: {type(error).__name__}: "
            f"{_first_line(error)}. Usually a CUDA library that CuPy loads when first used (NVRTC, cuBLAS, cuRAND) "
            f"is missing: CuPy 14 wheels take them from a local CUDA Toolkit, or from PyPI with CuPy's own extra: "
            f'pip install "cupy-cuda12x[ctk]" (or "cupy-cuda13x[ctk]", the one matching your CuPy wheel).')
