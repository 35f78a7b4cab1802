"""`ReduceLROnPlateau`: multiply the learning rate by `factor` when a monitored quantity stops improving."""

import math

from kcore.errors import ConfigError
from kcore_callbacks.monitor import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Reduce `model.optimizer.learning_rate` to `lr * factor` (never below `min_lr`) after `patience` epochs
    without an improvement of `monitor` by more than `min_delta`; then wait `cooldown` epochs before counting
    again. Also logs the current rate as `logs["learning_rate"]`.

    Example:
        >>> reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=0.001)
        >>> model.fit(x, y, validation_split=0.2, callbacks=[reduce_lr])  # doctest: +SKIP
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta)
        if factor >= 1.0:
            raise ConfigError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received: factor={factor!r}. "
                              f"Pass a factor in (0, 1), e.g. 0.1.")
        self.factor, self.patience, self.verbose = factor, patience, verbose
        self.cooldown, self.min_lr = cooldown, min_lr
        self.wait, self.cooldown_counter = 0, 0

    def on_train_begin(self, logs=None):
        self.best, self.wait, self.cooldown_counter, self._lower_is_better = None, 0, 0, None

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def _reduce(self, epoch):
        optimizer = self.model.optimizer
        old_lr = float(optimizer.learning_rate)
        # A rate already at min_lr may come back rounded through float32: treat "close" as "at".
        if old_lr <= self.min_lr or math.isclose(old_lr, self.min_lr, rel_tol=1e-6):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        return True

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        current = self.monitor_value(logs, "Learning rate reduction")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.is_improvement(current, self.best):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(epoch):
                self.cooldown_counter, self.wait = self.cooldown, 0
