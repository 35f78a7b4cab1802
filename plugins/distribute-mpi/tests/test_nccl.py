"""The NCCL path: one process per GPU, CuPy arrays, gradients reduced by NCCL. Runs only where CuPy sees at least
two GPUs (NCCL's bindings come with CuPy); elsewhere each test is skipped, saying why.

As of this writing it has never run: the machine it was written on has no GPU (see the plugin's README).
"""

import json
import pathlib

import numpy as np
import pytest

JOB = pathlib.Path(__file__).resolve().parent / "job.py"


def _gpus():
    try:
        from kcore_backend_cupy.availability import unavailable_reason
    except ImportError:
        return 0, "kcore-backend-cupy is not installed"
    reason = unavailable_reason()
    if reason:
        return 0, f"the CuPy backend cannot run here: {reason}"
    import cupy

    try:
        from cupy.cuda import nccl  # noqa: F401
    except ImportError as e:
        return 0, f"CuPy has no NCCL here ({e})"
    return cupy.cuda.runtime.getDeviceCount(), None


@pytest.fixture(scope="module")
def gpus():
    count, reason = _gpus()
    if reason:
        pytest.skip(reason)
    if count < 2:
        pytest.skip(f"NCCL data parallelism needs at least 2 GPUs; CuPy sees {count}")
    return count


def test_nccl_training_on_every_gpu_ends_with_the_single_gpu_weights(gpus, mpiexec, tmp_path):
    processes = min(gpus, 4)
    reference = tmp_path / "reference"
    reference.mkdir()
    env = {"KCORE_BACKEND": "cupy"}
    one = mpiexec(1, JOB, "--out", reference, "--samples", 1030, "--shuffle", env=env)
    assert one.returncode == 0, one.output[-4000:]
    done = mpiexec(processes, JOB, "--out", tmp_path, "--samples", 1030, "--shuffle", env=env)
    assert done.returncode == 0, done.output[-4000:]
    expected = np.load(reference / "rank0.npz")
    for rank in range(processes):
        saved = np.load(tmp_path / f"rank{rank}.npz")
        for name in expected.files:
            if name == "history":
                np.testing.assert_allclose(json.loads(str(saved[name]))["loss"],
                                           json.loads(str(expected[name]))["loss"], rtol=1e-4)
            else:  # cuBLAS may sum in another order for another batch shape: a GPU tolerance
                assert np.max(np.abs(saved[name] - expected[name])) <= 1e-4


def test_a_gpu_process_that_raises_ends_the_job(gpus, mpiexec, tmp_path):
    done = mpiexec(2, JOB, "--out", tmp_path, "--samples", 512, "--fail", "raise", env={"KCORE_BACKEND": "cupy"})
    assert done.returncode != 0
    assert "kcore: process 0 of 2: stopping because process 1 failed: ValueError" in done.stderr
