"""Launching `tests/job.py` (or any script) on several processes with `mpiexec`, always under a time limit."""

import dataclasses
import importlib.util
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest
from kcore_distribute_mpi import find_mpiexec

HERE = pathlib.Path(__file__).resolve().parent
JOB = HERE / "job.py"
LIMIT = 120  # seconds: no launch may take longer, whatever goes wrong


def _missing():
    if importlib.util.find_spec("mpi4py") is None:
        return "mpi4py is not installed (pip install mpi4py mpich; `uv sync --all-packages` installs both)"
    if find_mpiexec() is None:
        return "no mpiexec beside this Python or on PATH (pip install mpich provides one)"
    return None


@dataclasses.dataclass
class Launched:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self):
        return self.stdout + self.stderr


@pytest.fixture(scope="session")
def mpiexec():
    """`launch(processes, script, *args, env=None, launcher_args=())`: run `script` with `mpiexec -n processes`
    and return a `Launched` (a test that needs it is skipped, saying why, where mpi4py or mpiexec is missing)."""
    missing = _missing()
    if missing:
        pytest.skip(missing)

    def launch(processes, script, *args, env=None, launcher_args=(), limit=LIMIT):
        environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                       "KCORE_DISTRIBUTION_TIMEOUT": "30", **(env or {})}
        environment.pop("KCORE_DISTRIBUTION", None)
        command = [find_mpiexec(), *launcher_args, "-n", str(processes), sys.executable, str(script), *map(str, args)]
        start = time.monotonic()
        # A session of its own, so that on a hang the launcher and every process it started are ended together.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=environment, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            pytest.fail(f"{' '.join(command)} was still running after {limit} s (a hang):\n{stdout[-3000:]}\n"
                        f"{stderr[-3000:]}")
        return Launched(process.returncode, stdout, stderr, time.monotonic() - start)

    return launch


@pytest.fixture(scope="session")
def job_module():
    """tests/job.py imported as a module: the same training, run in this process for the reference."""
    spec = importlib.util.spec_from_file_location("kcore_distribute_mpi_test_job", JOB)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
