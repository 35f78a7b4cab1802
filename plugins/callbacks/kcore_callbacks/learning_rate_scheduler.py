"""`LearningRateScheduler`: set the learning rate at the start of every epoch from `schedule(epoch, lr)`."""

import inspect
import numbers

from kcore.callbacks import Callback
from kcore.errors import ConfigError


def _takes_lr(schedule):
    """Whether `schedule` accepts (epoch, lr); Keras also accepts the older one-argument form (epoch)."""
    try:
        parameters = inspect.signature(schedule).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: assume the current form
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in parameters)


class LearningRateScheduler(Callback):
    """At the beginning of every epoch, set `model.optimizer.learning_rate = schedule(epoch, lr)`, where
    `epoch` counts from 0 and `lr` is the current rate. Also logs the rate as `logs["learning_rate"]`.

    Example:
        >>> def schedule(epoch, lr):
        ...     return lr if epoch < 10 else lr * 0.9
        >>> model.fit(x, y, epochs=15, callbacks=[LearningRateScheduler(schedule)])  # doctest: +SKIP
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise ConfigError(f"LearningRateScheduler: `schedule` must be a function (epoch, lr) -> lr. "
                              f"Received: schedule={schedule!r}")
        self.schedule, self.verbose = schedule, verbose
        self._takes_lr = _takes_lr(schedule)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ConfigError(f"LearningRateScheduler: the optimizer {type(optimizer).__name__} has no "
                              f"`learning_rate` attribute to set.")
        lr = float(optimizer.learning_rate)
        new_lr = self.schedule(epoch, lr) if self._takes_lr else self.schedule(epoch)
        if isinstance(new_lr, bool) or not (isinstance(new_lr, numbers.Real) or getattr(new_lr, "ndim", None) == 0):
            raise ConfigError(f"LearningRateScheduler: the output of the `schedule` function should be a float. "
                              f"Got: {new_lr!r} at epoch {epoch}.")
        optimizer.learning_rate = float(new_lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(new_lr)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
