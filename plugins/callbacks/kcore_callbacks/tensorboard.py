"""`TensorBoard`: the logged scalars of training and validation, as event files TensorBoard reads (no TensorFlow)."""

import os
import time

import numpy as np

from kcore.callbacks import Callback
from kcore.errors import ConfigError, DTypeError, ShapeError
from kcore_callbacks.event_file import EventFileWriter


def _refuse(name, value, default, what):
    raise ConfigError(f"TensorBoard: `{name}` needs {what}, which kcore's TensorBoard callback does not write "
                      f"(it writes scalars only). Received: {name}={value!r}; leave it at {default!r}.")


def _scalar(tag, value):
    if getattr(value, "ndim", 0) != 0:
        raise ShapeError(f"TensorBoard: the logged value {tag!r} must be a scalar to be written as one; received "
                         f"shape {tuple(value.shape)}. Log one number per name (e.g. average it, or log each entry "
                         f"under its own name).")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise DTypeError(f"TensorBoard: the logged value {tag!r} must be a number; received {value!r}.") from None


def _as_int(value):
    return int(np.asarray(value.numpy() if hasattr(value, "numpy") else value))


class TensorBoard(Callback):
    """Write the logs of `fit` as TensorBoard scalars under `log_dir`: training values in `log_dir/train` and
    validation values (without their `val_` prefix) in `log_dir/validation`, tagged `epoch_<name>` at step
    `epoch`, plus `epoch_learning_rate` (the optimizer's rate). With `update_freq="batch"` or an int `N`, the
    batch logs are also written as `batch_<name>` every `N` batches, counted from 1 across epochs. After each
    evaluation the results go to `log_dir/validation` as `evaluation_<name>_vs_iterations` at step
    `optimizer.iterations`. `write_steps_per_second=True` adds `epoch_steps_per_second` (and
    `batch_steps_per_second` with batch logging). These are Keras 3's tags and folders; view them with
    `tensorboard --logdir logs`.

    Only scalars are written: histograms, images, profiling and embeddings raise a `ConfigError` when asked for,
    and no graph is written (`write_graph=True`, Keras's default, is accepted and does nothing).

    Example:
        >>> model.fit(x, y, epochs=3, validation_split=0.1, callbacks=[TensorBoard("logs")])  # doctest: +SKIP
        >>> sorted(os.listdir("logs"))  # doctest: +SKIP
        ['train', 'validation']
    """

    _chief_worker_only = True  # in data-parallel training (kcore.distribution) process 0 alone writes the files

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        if histogram_freq:
            _refuse("histogram_freq", histogram_freq, 0, "weight histograms")
        if write_images:
            _refuse("write_images", write_images, False, "weight images")
        if profile_batch not in (0, None, "0", (0, 0), [0, 0]):
            _refuse("profile_batch", profile_batch, 0, "a profiler trace")
        if embeddings_freq:
            _refuse("embeddings_freq", embeddings_freq, 0, "embedding projector files")
        if embeddings_metadata is not None:
            _refuse("embeddings_metadata", embeddings_metadata, None, "embedding projector files")
        valid_int = isinstance(update_freq, int) and not isinstance(update_freq, bool) and update_freq > 0
        if update_freq not in ("batch", "epoch") and not valid_int:
            raise ConfigError(f"TensorBoard: `update_freq` must be 'epoch', 'batch' or a positive int (write every "
                              f"N batches). Received: update_freq={update_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq, self.write_graph, self.write_images = histogram_freq, write_graph, write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch, self.embeddings_freq = profile_batch, embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers = {}  # "train" / "validation" -> EventFileWriter, created when first needed
        self._global_train_batch = 0

    def _writer(self, folder):
        writer = self._writers.get(folder)
        if writer is None or writer.closed:
            writer = self._writers[folder] = EventFileWriter(os.path.join(self.log_dir, folder))
        return writer

    def _write(self, folder, values, prefix, step):
        writer = self._writer(folder)
        for name, value in values.items():
            writer.add_scalar(prefix + name, _scalar(name, value), step)
        writer.flush()

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._writer("train")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start, self._epoch_batches = time.perf_counter(), 0

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        self._batch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self._epoch_batches += 1
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        values = dict(logs) if isinstance(logs, dict) else {}
        if self.write_steps_per_second:
            values["steps_per_second"] = 1.0 / max(time.perf_counter() - self._batch_start, 1e-9)
        self._write("train", values, "batch_", self._global_train_batch)

    def on_epoch_end(self, epoch, logs=None):
        if not logs:
            return
        train = {name: value for name, value in logs.items() if not name.startswith("val_")}
        validation = {name[4:]: value for name, value in logs.items() if name.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a loss-scale wrapper's own optimizer
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            train["learning_rate"] = float(optimizer.learning_rate)
        if self.write_steps_per_second:
            train["steps_per_second"] = self._epoch_batches / max(time.perf_counter() - self._epoch_start, 1e-9)
        if train:
            self._write("train", train, "epoch_", epoch)
        if validation:
            self._write("validation", validation, "epoch_", epoch)

    def on_test_begin(self, logs=None):
        self._writer("validation")

    def on_test_end(self, logs=None):
        iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
        if iterations is not None and logs:
            self._write("validation", {f"{name}_vs_iterations": value for name, value in logs.items()},
                        "evaluation_", _as_int(iterations))

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
