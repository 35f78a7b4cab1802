"""examples/mnist_distributed.py runs with `mpiexec -n 2` (on a small slice) and leaves a model that loads."""

import pathlib

import numpy as np

import kcore

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "mnist_distributed.py"


def test_the_distributed_mnist_example_trains_on_two_processes_and_saves_once(mpiexec, tmp_path):
    output = tmp_path / "run"
    done = mpiexec(2, EXAMPLE, "--epochs", 2, "--limit", 640, "--output", output)
    assert done.returncode == 0, done.output[-4000:]
    assert "training on 2 process(es): ['cpu:0', 'cpu:1']" in done.stdout
    assert done.stdout.count("Epoch 2/2") == 1  # process 0's progress bar only
    assert done.stdout.count("test accuracy on 2000 held-out real MNIST digits") == 1
    assert sorted(p.name for p in output.iterdir()) == ["best.keras", "final.keras"]  # the backup was removed
    model = kcore.saving.load_model(output / "final.keras")
    probabilities = model.predict(np.zeros((2, 784), "float32"), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1, rtol=1e-5)
