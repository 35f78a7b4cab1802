"""`MonitorCallback`: what EarlyStopping and ReduceLROnPlateau share: which logged quantity to watch, whether
lower or higher is better, and what counts as an improvement."""

import warnings

from kcore.callbacks import Callback

#: Monitored names that are better when higher, when `mode="auto"` (Keras's rule, by the end of the name).
_HIGHER_IS_BETTER = ("acc", "accuracy", "auc")


def _metrics_of(model):
    """The model's metric objects, looking inside containers that hold several (`.metrics`)."""
    found = []
    for metric in getattr(model, "metrics", None) or []:
        inner = getattr(metric, "metrics", None)
        found.extend(inner if isinstance(inner, (list, tuple)) else [metric])
    return found


class MonitorCallback(Callback):
    """Base class of callbacks that watch `logs[monitor]` at the end of each epoch.

    `mode="min"` (lower is better), `"max"`, or `"auto"`: losses are minimised, names ending in "acc",
    "accuracy" or "auc" maximised, otherwise the direction of the model's metric of that name ("up" or "down")
    decides, and minimising is the fallback. An improvement must beat the reference by more than `min_delta`.

    Example:
        >>> class PrintBest(MonitorCallback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         current = self.monitor_value(logs)
        ...         if current is not None and self.is_improvement(current, self.best):
        ...             self.best = current
    """

    def __init__(self, monitor="val_loss", mode="auto", min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__}: mode {mode!r} is unknown (expected 'auto', 'min' or 'max'); "
                          f"falling back to 'auto'.", stacklevel=3)
            mode = "auto"
        self.monitor, self.mode, self.min_delta = monitor, mode, abs(min_delta)
        self.best = None
        self._lower_is_better = None  # decided at the first epoch end, once the model's metrics exist

    def _decide_direction(self):
        if self.mode != "auto":
            return self.mode == "min"
        name = self.monitor.removeprefix("val_")
        if name == "loss" or name.endswith("_loss"):
            return True
        if name.endswith(_HIGHER_IS_BETTER):
            return False
        for metric in _metrics_of(self.model):
            if getattr(metric, "name", None) == name and getattr(metric, "_direction", None) in ("up", "down"):
                return metric._direction == "down"
        return True

    def is_improvement(self, current, reference):
        """Whether `current` beats `reference` (None: nothing to beat yet) by more than `min_delta`."""
        if self._lower_is_better is None:
            self._lower_is_better = self._decide_direction()
        if reference is None:
            return True
        if self._lower_is_better:
            return current + self.min_delta < reference
        return current - self.min_delta > reference

    def monitor_value(self, logs, action="This callback"):
        """`logs[monitor]` as a float, or None with a warning that lists the logged names."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"{action} is conditioned on metric `{self.monitor}` which is not available. "
                          f"Available metrics are: {','.join(logs)}", stacklevel=3)
            return None
        return float(value)
