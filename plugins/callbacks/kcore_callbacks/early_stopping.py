"""`EarlyStopping`: stop training when a monitored quantity has stopped improving (Keras 3)."""

from kcore_callbacks.monitor import MonitorCallback


def _snapshot(weights):
    # A model may hand out its live arrays; the best weights must not follow later updates.
    return [w.copy() if hasattr(w, "copy") else w for w in weights]


class EarlyStopping(MonitorCallback):
    """Stop training once `monitor` has not improved by more than `min_delta` for `patience` epochs.

    Args:
        monitor: the logged quantity to watch, e.g. "val_loss" or "val_accuracy".
        min_delta: the smallest change that counts as an improvement.
        patience: epochs without improvement after which training stops.
        verbose: 1 prints a line when training is stopped and when weights are restored.
        mode: "auto", "min" or "max" (see `MonitorCallback`).
        baseline: a value to beat; until an epoch beats it, the patience count is not reset.
        restore_best_weights: at the end of training, set the model's weights to those of the best epoch.
        start_from_epoch: epochs of warm-up before the quantity is watched.

    Sets `model.stop_training = True` to stop; the training loop checks it after each batch and epoch.

    Example:
        >>> stop = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[stop])  # doctest: +SKIP
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta)
        self.patience, self.verbose, self.baseline = patience, verbose, baseline
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.wait, self.stopped_epoch, self.best_epoch, self.best_weights = 0, 0, 0, None

    def on_train_begin(self, logs=None):
        # The same instance may serve several fits.
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best, self.best_weights, self._lower_is_better = None, None, None

    def on_epoch_end(self, epoch, logs=None):
        current = self.monitor_value(logs, "Early stopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = _snapshot(self.model.get_weights()), epoch
        self.wait += 1
        if self.is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = _snapshot(self.model.get_weights())
            # The count restarts only for an epoch that beats the baseline too.
            if self.baseline is None or self.is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
