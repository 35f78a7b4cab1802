"""Stand-ins for CuPy that fail the way CuPy fails on a machine without a GPU, so that the backend's error paths
are tested everywhere. They simulate CuPy's side of the boundary only (its exceptions, their types and texts, as
in CuPy's sources); everything on kcore's side runs for real."""

import importlib
import sys
import textwrap

import pytest

from kcore import backend, config

_FAKE_CUPY = '''
    """A stand-in for CuPy {version} that fails as the real one does: {failure}."""
    import types

    __version__ = "{version}"
    FAILURE = "{failure}"

    if FAILURE == "broken":  # cupy/__init__.py wraps a failed `from cupy import _core` like this
        raise ImportError("""
    ================================================================
    Failed to import CuPy.

    If you installed CuPy via wheels (cupy-cudaXXX or cupy-rocm-X-X), make sure that the package matches with the \\
    version of CUDA or ROCm installed.

    Original error:
      ImportError: libcudart.so.12: cannot open shared object file: No such file or directory
    ================================================================
    """)


    class CUDARuntimeError(RuntimeError):  # as cupy_backends.cuda.api.runtime.CUDARuntimeError: "name: text"
        def __init__(self, status, name, text):
            self.status = status
            super().__init__(f"{{name}}: {{text}}")


    def getDeviceCount():
        if FAILURE == "no device":
            raise CUDARuntimeError(100, "cudaErrorNoDevice", "no CUDA-capable device is detected")
        if FAILURE == "no driver":
            raise CUDARuntimeError(35, "cudaErrorInsufficientDriver",
                                   "CUDA driver version is insufficient for CUDA runtime version")
        return 0 if FAILURE == "zero devices" else 1


    def arange(*args, **kwargs):  # the first kernel needs NVRTC, loaded by cupy_backends.cuda._softlink
        raise RuntimeError("CuPy failed to load libnvrtc.so.12: OSError: libnvrtc.so.12: cannot open shared object "
                           "file: No such file or directory")


    cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=getDeviceCount,
                                                               CUDARuntimeError=CUDARuntimeError))
'''

#: the failures a stand-in can have
FAILURES = ("broken", "no device", "no driver", "zero devices", "no libraries")


@pytest.fixture
def fake_cupy_folder(tmp_path):
    """`fake_cupy_folder(failure)`: a folder holding a stand-in `cupy` package that fails with `failure` (one of
    FAILURES), for a subprocess's PYTHONPATH."""

    def write(failure):
        assert failure in FAILURES, failure
        folder = tmp_path / failure.replace(" ", "-")
        if not folder.exists():
            (folder / "cupy").mkdir(parents=True)
            (folder / "cupy" / "__init__.py").write_text(textwrap.dedent(_FAKE_CUPY.format(failure=failure,
                                                                                           version="14.2.0")))
        return folder

    return write


@pytest.fixture
def fake_cupy(fake_cupy_folder, monkeypatch):
    """`fake_cupy(failure)` makes `import cupy` in this process find a stand-in failing with `failure` (one of
    FAILURES), or, for failure "missing", find nothing at all (as Python does when no CuPy is installed). The real
    `cupy` module, if any, is put back afterwards."""
    real = sys.modules.pop("cupy", None)

    def install(failure):
        sys.modules.pop("cupy", None)
        if failure == "missing":
            sys.modules["cupy"] = None  # `import cupy` raises ModuleNotFoundError(name="cupy")
            return None
        folder = fake_cupy_folder(failure)
        monkeypatch.syspath_prepend(str(folder))
        importlib.invalidate_caches()
        return folder

    yield install
    sys.modules.pop("cupy", None)
    if real is not None:
        sys.modules["cupy"] = real


@pytest.fixture
def select(tmp_path, monkeypatch):
    """`select("cupy", via="env" or "file")` makes it the configured backend for this test, as a user does: by
    KCORE_BACKEND, or in the config file of a fresh KCORE_HOME. Afterwards the NumPy backend is active again."""
    monkeypatch.setenv("KCORE_HOME", str(tmp_path / "kcore-home"))
    monkeypatch.delenv("KCORE_BACKEND", raising=False)

    def choose(name, via="env"):
        if via == "env":
            monkeypatch.setenv("KCORE_BACKEND", name)
        else:
            (tmp_path / "kcore-home").mkdir(exist_ok=True)
            (tmp_path / "kcore-home" / "kcore.json").write_text(f'{{"backend": "{name}"}}')
        config.reset()
        backend.reset()

    previous = backend.active.name
    yield choose
    monkeypatch.undo()
    config.reset()
    backend.reset()
    if previous is not None:
        backend.activate(previous)


@pytest.fixture
def keep_backend():
    """The active backend is active again after the test (under `KCORE_BACKEND=cupy pytest`, that is CuPy)."""
    previous = backend.active.name
    yield
    if previous is not None:
        backend.activate(previous)
