"""`LambdaCallback`: a callback made of plain functions, one per hook."""

from kcore.callbacks import Callback
from kcore.errors import ConfigError

#: Every hook of the Callback contract; `on_batch_*` are Keras's older names of `on_train_batch_*`.
_HOOKS = tuple(name for name in vars(Callback) if name.startswith("on_"))
_ALIASES = {"on_batch_begin": "on_train_batch_begin", "on_batch_end": "on_train_batch_end"}


class LambdaCallback(Callback):
    """Call the given functions at the matching moments of `fit`, `evaluate` and `predict`.

    Epoch hooks receive `(epoch, logs)`, batch hooks `(batch, logs=logs)`, the others `(logs)`, as Keras
    passes them. Any hook of `Callback` may be given by name (`on_test_end=...`, `on_predict_batch_end=...`).

    Example:
        >>> losses = []
        >>> record = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
        >>> record.on_epoch_end(0, {"loss": 0.5}); losses
        [0.5]
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        unknown = sorted(set(kwargs) - set(_HOOKS))
        if unknown:
            raise ConfigError(f"LambdaCallback: unknown hook(s) {unknown}. Known hooks: {', '.join(_HOOKS)}.")
        given = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end, "on_train_begin": on_train_begin,
                 "on_train_end": on_train_end, "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end, **kwargs}
        self.functions = {}
        for hook, function in given.items():
            if function is None:
                continue
            if not callable(function):
                raise ConfigError(f"LambdaCallback: `{hook}` must be a function. Received: {function!r}")
            self.functions[_ALIASES.get(hook, hook)] = function


def _forward(hook):
    """The method for `hook`: calls the function given for it, if any, with Keras's arguments."""
    if "batch" in hook:
        def method(self, batch, logs=None):
            function = self.functions.get(hook)
            if function is not None:
                function(batch, logs=logs)
    elif "epoch" in hook:
        def method(self, epoch, logs=None):
            function = self.functions.get(hook)
            if function is not None:
                function(epoch, logs)
    else:
        def method(self, logs=None):
            function = self.functions.get(hook)
            if function is not None:
                function(logs)
    method.__name__, method.__qualname__ = hook, f"LambdaCallback.{hook}"
    return method


# Methods on the class (not functions set on the instance) because kcore's CallbackList looks up overridden
# hooks on the type. The aliases keep Callback's own on_batch_* methods, which forward to on_train_batch_*.
for _hook in _HOOKS:
    if _hook not in _ALIASES:
        setattr(LambdaCallback, _hook, _forward(_hook))
