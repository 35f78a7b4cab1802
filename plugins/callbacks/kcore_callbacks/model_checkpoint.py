"""`ModelCheckpoint`: save the model, or its weights, during training (Keras 3)."""

import os

from kcore.errors import ConfigError
from kcore_callbacks.monitor import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Save the model (`model.save`) or its weights (`model.save_weights`) at the end of each epoch, or every
    `save_freq` batches. Every save is atomic: a crash mid-save leaves the previous file intact.

    Args:
        filepath: where to save: a `.keras` file, or a `.weights.h5` file with `save_weights_only`. It may hold
            `{epoch}` (counted from 1), `{batch}` (with an integer `save_freq`) and any logged value with a
            format, e.g. "model_{epoch:02d}_{val_loss:.2f}.keras".
        monitor: the logged quantity `save_best_only` watches, e.g. "val_loss".
        verbose: 1 prints a line for each save (and each epoch that did not improve).
        save_best_only: save only when `monitor` improved on the best value so far.
        save_weights_only: save the weights (and optimizer state) only.
        mode: "auto", "min" or "max": the direction in which `monitor` improves (see `MonitorCallback`).
        save_freq: "epoch", or a number of batches.
        initial_value_threshold: with `save_best_only`, the value the first save must beat.

    Example:
        >>> checkpoint = ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[checkpoint])  # doctest: +SKIP
    """

    _chief_worker_only = True  # in data-parallel training (kcore.distribution) process 0 alone saves

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode)
        self.filepath = os.fspath(filepath)
        self.verbose, self.save_best_only, self.save_weights_only = verbose, save_best_only, save_weights_only
        self.save_freq, self.initial_value_threshold = save_freq, initial_value_threshold
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1):
            raise ConfigError(f"ModelCheckpoint: `save_freq` must be 'epoch' or a positive number of batches. "
                              f"Received: save_freq={save_freq!r}")
        suffix = ".weights.h5" if save_weights_only else ".keras"
        if not self.filepath.endswith(suffix):
            raise ConfigError(f"ModelCheckpoint: with save_weights_only={save_weights_only}, `filepath` must end in "
                              f"{suffix!r}. Received: filepath={self.filepath!r}")
        self.best = initial_value_threshold
        self._epoch, self._batches_since_save = 0, 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _filepath(self, epoch, batch, logs):
        values = {**(logs or {}), "epoch": epoch + 1}
        if batch is not None:
            values.setdefault("batch", batch + 1)
        try:
            return self.filepath.format(**values)
        except (KeyError, IndexError, ValueError) as e:
            raise ConfigError(f"ModelCheckpoint: cannot fill in the filepath {self.filepath!r}: {type(e).__name__}: "
                              f"{e}. Its fields must be 'epoch', 'batch' or logged names: {sorted(values)}.") from e

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = self.monitor_value(logs, "ModelCheckpoint(save_best_only=True)")
        if current is None:  # as Keras: without the value to compare, save (monitor_value has warned)
            return True
        best = ("inf" if self._decide_direction() else "-inf") if self.best is None else f"{self.best:.5f}"
        if not self.is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
            return False
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, saving model to "
                  f"{filepath}")
        self.best = current
        return True

    def _save(self, epoch, batch, logs):
        filepath = self._filepath(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
