"""A stand-in for a model and its `fit` loop: enough to drive callbacks with hand-made logs."""

import numpy as np
import pytest

from kcore.callbacks import CallbackList


class FakeOptimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class FakeModel:
    """`stop_training`, one weight array, `get_weights`/`set_weights` and an optimizer with a learning rate."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.kernel = np.zeros(3, "float32")
        self.optimizer = FakeOptimizer(learning_rate)

    def get_weights(self):
        return [self.kernel.copy()]

    def set_weights(self, weights):
        self.kernel = np.array(weights[0], "float32")


def run_fit(callbacks, model, epoch_logs, batches=1):
    """Call the hooks as `fit` does, one epoch per entry of `epoch_logs` (a dict, or a list of per-batch dicts
    whose last one is also the epoch's logs). Before each epoch the weights are set to the epoch's index, so a
    restored weight tells which epoch it came from. Returns the learning rate seen inside each epoch run."""
    callbacks = CallbackList(list(callbacks), model=model, epochs=len(epoch_logs), steps=batches, verbose=0)
    model.stop_training = False
    rates = []
    callbacks.on_train_begin({})
    for epoch, logs in enumerate(epoch_logs):
        model.kernel[:] = epoch
        callbacks.on_epoch_begin(epoch, {})
        rates.append(model.optimizer.learning_rate)
        for batch, batch_logs in enumerate(logs if isinstance(logs, list) else [logs]):
            callbacks.on_train_batch_begin(batch, {})
            callbacks.on_train_batch_end(batch, dict(batch_logs))
            if model.stop_training:
                break
        callbacks.on_epoch_end(epoch, dict(logs[-1] if isinstance(logs, list) else logs))
        if model.stop_training:
            break
    callbacks.on_train_end({})
    return rates


@pytest.fixture
def model():
    return FakeModel()


@pytest.fixture
def fit():
    return run_fit
