"""`Distribution`: the few calls the training loop makes into the active distribution, and nothing else.

`fit` and `evaluate` look the active distribution up once (`kcore.distribution.distribution()`); when there is
none (one process, the usual case) they pay a single `is None` check per step and call nothing here.
"""

import contextlib


class Distribution:
    """Base class of distributions (Keras 3's `keras.distribution.Distribution`): how a model is spread over
    processes and devices. The methods below are what `Model.fit`/`evaluate` call; their defaults are those of
    one process. `DataParallel` is the implementation kcore ships.
    """

    #: the number of processes of the job, and this one's index among them (Keras's names)
    num_processes = 1
    process_id = 0

    @property
    def is_chief(self):
        """Whether this process prints the progress bar and writes checkpoints and saved models (process 0)."""
        return self.process_id == 0

    @contextlib.contextmanager
    def scope(self):
        """Make this the active distribution inside the `with` block (Keras's `distribution.scope()`)."""
        from kcore import distribution as api

        previous = api.distribution()
        api.set_distribution(self)
        try:
            yield self
        finally:
            api.set_distribution(previous)

    def distribute_dataset(self, data):
        """The data adapter (`kcore.training.data`) this process trains or evaluates on."""
        return data

    def synchronize(self, model):
        """Make every process's model and optimizer state the chief's. Called once `on_train_begin` has run
        (so that a restored backup is what gets copied)."""

    def reduce_gradients(self, grads, loss, x):
        """The gradients and loss of the global batch, from this process's (`x` is this process's batch)."""
        return grads, loss

    def summed_states(self, metrics):
        """A context in which every metric's state holds its sum over processes (for reading results)."""
        return contextlib.nullcontext()

    def on_epoch_end(self, model):
        """Make the model's non-trainable variables (e.g. BatchNormalization statistics) agree across processes."""
