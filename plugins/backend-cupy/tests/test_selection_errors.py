"""Selecting the cupy backend where it cannot run is a BackendError that says what is missing and how to fix it.

These run on any machine: CuPy's side is a stand-in failing as CuPy does (see conftest.py), or no CuPy at all;
kcore's side (configuration, activation, the plugin, the messages) is the real code.
"""

import os
import subprocess
import sys

import pytest
from kcore_backend_cupy import CupyBackend, unavailable_reason

import kcore
from kcore import backend
from kcore.errors import BackendError

EXTRAS = ('pip install "kcore-backend-cupy[cuda12]"', 'pip install "kcore-backend-cupy[cuda13]"')


@pytest.mark.parametrize("via", ["env", "file"])
def test_selecting_cupy_without_cupy_installed_names_the_extra_for_each_cuda_version(select, fake_cupy, via):
    fake_cupy("missing")
    select("cupy", via=via)

    with pytest.raises(BackendError) as info:
        kcore.ops.add(1.0, 2.0)

    message = str(info.value)
    assert "needs CuPy, which is not installed" in message
    assert all(command in message for command in EXTRAS), message
    assert "KCORE_BACKEND=numpy" in message and "sees no CUDA GPU" not in message
    assert backend.active.name is None  # nothing half-activated: the next op fails the same way
    with pytest.raises(BackendError, match="not installed"):
        kcore.ops.add(1.0, 2.0)


@pytest.mark.parametrize("failure, quoted, advice", [
    ("no device", "cudaErrorNoDevice: no CUDA-capable device is detected", "Check that `nvidia-smi` lists a GPU"),
    ("zero devices", "it counts 0 devices", "Check that `nvidia-smi` lists a GPU"),
    ("no driver", "cudaErrorInsufficientDriver", f"install or update the driver, or install the CuPy build for the "
                                                 f"CUDA version it supports: {EXTRAS[0]}"),
])
def test_cupy_without_a_visible_gpu_is_another_error_that_quotes_cuda_and_says_what_to_do(select, fake_cupy, failure,
                                                                                          quoted, advice):
    fake_cupy(failure)
    select("cupy")

    with pytest.raises(BackendError) as info:
        kcore.ops.add(1.0, 2.0)

    message = str(info.value)
    assert "CuPy 14.2.0" in message and "is installed, but it sees no CUDA GPU" in message and quoted in message
    assert advice in message and "KCORE_BACKEND=numpy" in message
    assert "which is not installed" not in message


def test_no_gpu_message_names_cuda_visible_devices_only_when_it_is_set(fake_cupy, monkeypatch):
    fake_cupy("no device")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    with pytest.raises(BackendError) as unset:
        CupyBackend()
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    with pytest.raises(BackendError) as hidden:
        CupyBackend()

    assert "CUDA_VISIBLE_DEVICES" not in str(unset.value)
    assert "CUDA_VISIBLE_DEVICES (set to '') does not hide it" in str(hidden.value)


def test_cupy_that_fails_to_import_is_reported_with_the_original_error_not_as_missing(fake_cupy):
    fake_cupy("broken")

    with pytest.raises(BackendError) as info:
        CupyBackend()

    message = str(info.value)
    assert "CuPy is installed but failed to import: ImportError: libcudart.so.12: cannot open" in message
    assert "pip uninstall" in message and EXTRAS[0] in message
    assert "not installed." not in message


def test_gpu_without_the_cuda_libraries_cupy_compiles_with_names_the_library_and_the_ctk_extra(fake_cupy):
    fake_cupy("no libraries")

    with pytest.raises(BackendError) as info:
        CupyBackend()

    message = str(info.value)
    assert "sees a GPU, but a first computation on it failed" in message
    assert "CuPy failed to load libnvrtc.so.12" in message and 'pip install "cupy-cuda12x[ctk]"' in message


@pytest.mark.parametrize("failure, reason", [
    ("missing", "CuPy not installed"),
    ("broken", "CuPy failed to import (ImportError: libcudart.so.12: cannot open shared object file: No such file "
               "or directory)"),
    ("no device", "no CUDA GPU visible (cudaErrorNoDevice: no CUDA-capable device is detected)"),
    ("zero devices", "no CUDA GPU visible (CuPy counts 0 devices)"),
    ("no libraries", "CUDA libraries failed to load (CuPy failed to load libnvrtc.so.12: OSError: libnvrtc.so.12: "
                     "cannot open shared object file: No such file or directory)"),
])
def test_unavailable_reason_says_in_a_few_words_what_is_missing(fake_cupy, failure, reason):
    fake_cupy(failure)
    assert unavailable_reason() == reason


def test_a_failed_switch_to_cupy_leaves_the_active_backend_working(fake_cupy, keep_backend):
    fake_cupy("no device")
    backend.activate("numpy")

    with pytest.raises(BackendError, match="sees no CUDA GPU"):
        backend.activate("cupy")

    assert backend.active.name == "numpy"
    assert float(kcore.ops.add(1.0, 2.0)) == 3.0


def _user_process(tmp_path, code, **env):
    """`code` run as a user's script: fresh process, fresh KCORE_HOME, KCORE_BACKEND=cupy."""
    clean = {k: v for k, v in os.environ.items() if k not in ("KCORE_BACKEND", "PYTHONPATH", "KCORE_HOME")}
    clean.update(KCORE_HOME=str(tmp_path / "home"), KCORE_BACKEND="cupy", **env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean, cwd=tmp_path,
                          timeout=120)


def test_a_script_run_with_kcore_backend_cupy_and_no_gpu_stops_at_its_first_op_with_the_error(tmp_path,
                                                                                          fake_cupy_folder):
    script = "import numpy as np, kcore\nkcore.Variable(np.zeros(3, 'float32'))\nprint('unreachable')\n"

    result = _user_process(tmp_path, script, PYTHONPATH=str(fake_cupy_folder("no device")))

    assert result.returncode == 1 and "unreachable" not in result.stdout
    assert "kcore.errors.BackendError: The backend 'cupy' (selected by KCORE_BACKEND or" in result.stderr
    assert "cudaErrorNoDevice" in result.stderr


def test_a_script_run_with_kcore_backend_cupy_and_no_cupy_stops_with_the_pip_command(tmp_path):
    script = ("import sys\nsys.modules['cupy'] = None  # as on a machine without CuPy, wherever this runs\n"
              "import kcore\nkcore.ops.ones((2,))\n")

    result = _user_process(tmp_path, script)

    assert result.returncode == 1
    assert "kcore.errors.BackendError" in result.stderr and EXTRAS[0] in result.stderr
