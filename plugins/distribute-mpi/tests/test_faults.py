"""A process that raises, dies or hangs ends the whole job within a bounded time, never a hang; a job killed
half-way resumes from its BackupAndRestore backup and ends as an uninterrupted run would.

Every launch has a hard limit (conftest.LIMIT) and a short collective timeout (KCORE_DISTRIBUTION_TIMEOUT), so
a regression shows up as a failed test, not as a stuck CI.
"""

import json
import pathlib

import numpy as np
import pytest

JOB = pathlib.Path(__file__).resolve().parent / "job.py"
BOUND = 60  # seconds within which a failed job must have ended (a healthy one takes a few)


def test_a_process_that_raises_ends_every_process_each_saying_why(mpiexec, tmp_path):
    done = mpiexec(3, JOB, "--out", tmp_path, "--samples", 512, "--fail", "raise", "--fail-rank", 1)
    assert done.returncode != 0
    assert done.seconds < BOUND
    assert "ValueError: injected failure at epoch 0, step 2" in done.stderr  # the traceback of process 1
    assert "kcore: process 1 of 3: ValueError: injected failure" in done.stderr
    for rank in (0, 2):
        assert f"kcore: process {rank} of 3: stopping because process 1 failed: ValueError" in done.stderr, \
            done.stderr[-3000:]
    assert not list(tmp_path.glob("rank*.npz"))  # nobody went on to the end


@pytest.mark.parametrize("how", ["exit", "kill"])
def test_a_process_that_dies_ends_the_job(how, mpiexec, tmp_path):
    done = mpiexec(2, JOB, "--out", tmp_path, "--samples", 512, "--fail", how)
    assert done.returncode != 0
    assert done.seconds < BOUND
    assert not list(tmp_path.glob("rank*.npz"))


def test_a_process_that_hangs_is_caught_by_the_watchdog_of_the_others(mpiexec, tmp_path):
    # (5 s: longer than the processes may take to start apart on a busy machine)
    done = mpiexec(2, JOB, "--out", tmp_path, "--samples", 512, "--fail", "hang",
                   env={"KCORE_DISTRIBUTION_TIMEOUT": "5"})
    assert done.returncode != 0
    assert done.seconds < BOUND
    assert "kcore: process 0 of 2: waited more than 5 s for the other processes in an all-reduce" in done.stderr
    assert "kcore: process 1 of 2: stopping because process 0 failed: waited more than 5 s" in done.stderr


def test_a_dead_process_ends_the_job_even_when_the_launcher_does_not_clean_up(mpiexec, tmp_path):
    # like an srun without --kill-on-bad-exit: the survivors wait in a collective until their watchdog fires
    done = mpiexec(3, JOB, "--out", tmp_path, "--samples", 512, "--fail", "exit",
                   launcher_args=["-disable-auto-cleanup"], env={"KCORE_DISTRIBUTION_TIMEOUT": "5"})
    assert done.returncode != 0
    assert done.seconds < BOUND
    for rank in (0, 2):
        assert f"kcore: process {rank} of 3: " in done.stderr, done.stderr[-3000:]
    assert "waited more than 5 s for the other processes" in done.stderr


def test_backup_and_restore_resumes_a_distributed_run_killed_half_way(mpiexec, job_module, tmp_path):
    import kcore

    backup = tmp_path / "backup"
    killed = mpiexec(2, JOB, "--out", tmp_path, "--samples", 512, "--epochs", 3, "--backup", backup,
                     "--fail", "exit", "--fail-at", "2,1")
    assert killed.returncode != 0 and killed.seconds < BOUND
    assert (backup / "epoch_2.weights.h5").exists()  # written by process 0 after epochs 1 and 2

    resumed = mpiexec(2, JOB, "--out", tmp_path, "--samples", 512, "--epochs", 3, "--backup", backup)
    assert resumed.returncode == 0, resumed.output[-4000:]

    kcore.distribution.set_distribution(None)
    model, _ = job_module.train(512, 3, shuffle=False)  # uninterrupted, one process (the job does not shuffle)
    for rank in (0, 1):
        saved = np.load(tmp_path / f"rank{rank}.npz")
        assert len(json.loads(str(saved["history"]))["loss"]) == 1  # it ran the third epoch only
        for i, expected in enumerate(model.get_weights()):
            assert np.max(np.abs(saved[f"arr_{i}"] - expected)) <= 1e-5
