"""Data-parallel `fit` on 2 and 4 MPI processes ends with the weights of the same training in one process.

The reference runs in this test's process with the same seed, the same shuffled order and the same global
batch of 128; each launched process writes its weights (tests/job.py). Equal to 1e-5 means the shards, the
weighting of an uneven last batch, the gradient all-reduce, the optimizer state and the shuffling all agree.
"""

import json
import pathlib

import numpy as np
import pytest

JOB = pathlib.Path(__file__).resolve().parent / "job.py"


@pytest.fixture(scope="module")
def reference(job_module):
    """The one-process training of tests/job.py, per (samples, epochs, shuffle)."""
    import kcore

    runs = {}

    def run(samples, epochs=1, shuffle=True):
        key = (samples, epochs, shuffle)
        if key not in runs:
            kcore.distribution.set_distribution(None)
            model, history = job_module.train(samples, epochs, shuffle)
            runs[key] = (model.get_weights(), history)
        return runs[key]

    return run


def _written(out, rank):
    saved = np.load(out / f"rank{rank}.npz")
    weights = [saved[f"arr_{i}"] for i in range(len(saved.files) - 1)]
    return weights, json.loads(str(saved["history"]))


def _assert_same_weights(weights, expected, tolerance=1e-5):
    assert len(weights) == len(expected)
    for got, want in zip(weights, expected, strict=True):
        assert got.shape == want.shape and got.dtype == want.dtype
        assert np.max(np.abs(got - want)) <= tolerance, np.max(np.abs(got - want))


@pytest.mark.parametrize(("processes", "samples"), [(2, 1024), (4, 1024), (4, 1030)],
                         ids=["2-processes", "4-processes", "4-processes-uneven-last-batch"])
def test_one_epoch_on_several_processes_ends_with_the_single_process_weights(
        processes, samples, mpiexec, reference, tmp_path):
    # 1030 samples: the last global batch holds 6 rows, shared 2, 2, 1, 1, so the shard means must be weighted
    done = mpiexec(processes, JOB, "--out", tmp_path, "--samples", samples, "--shuffle", "--verbose", 1)
    assert done.returncode == 0, done.output[-4000:]

    expected, expected_history = reference(samples)
    for rank in range(processes):
        weights, history = _written(tmp_path, rank)
        _assert_same_weights(weights, expected)
        # the logged loss and accuracy are those of the whole epoch, not of one process's shard
        np.testing.assert_allclose(history["loss"], expected_history["loss"], rtol=1e-5)
        np.testing.assert_allclose(history["accuracy"], expected_history["accuracy"], rtol=1e-6)
    assert done.stdout.count("Epoch 1/1") == 1, done.stdout  # one progress bar: process 0's


def test_only_process_zero_writes_saved_weights(mpiexec, tmp_path):
    done = mpiexec(2, JOB, "--out", tmp_path, "--samples", 512)
    assert done.returncode == 0, done.output[-4000:]
    assert (tmp_path / "saved_by_0.weights.h5").exists()
    assert not (tmp_path / "saved_by_1.weights.h5").exists()


def test_without_a_launcher_the_job_is_one_process_and_trains_as_without_a_distribution(
        mpiexec, reference, tmp_path):
    done = mpiexec(1, JOB, "--out", tmp_path, "--samples", 512, "--shuffle")
    assert done.returncode == 0, done.output[-4000:]
    weights, history = _written(tmp_path, 0)
    expected, expected_history = reference(512)
    _assert_same_weights(weights, expected, tolerance=1e-6)  # not 0: BLAS here may use other threads
    np.testing.assert_allclose(history["loss"], expected_history["loss"], rtol=1e-6)
