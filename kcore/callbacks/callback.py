"""The Callback contract, the list that dispatches to callbacks, and the two callbacks every `fit` uses:
`History` and `ProgbarLogger`."""

from kcore.utils.progbar import Progbar


class Callback:
    """Base class of callbacks: override the hooks you need. `self.model` is the model being trained and
    `self.params` holds `epochs`, `steps` and `verbose`.

    Example:
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(epoch, logs["loss"])
    """

    def __init__(self):
        self.params = {}
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)  # Keras 2 callbacks override on_batch_begin

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)

    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...

    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...


_HOOKS = [name for name in vars(Callback) if name.startswith("on_")]
_LEGACY = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(callback, hook):
    names = (hook, _LEGACY[hook]) if hook in _LEGACY else (hook,)
    return any(getattr(type(callback), n, None) is not getattr(Callback, n) for n in names)


class CallbackList(Callback):
    """Calls every callback's hook in order. Hooks no callback overrides are skipped at no cost."""

    def __init__(self, callbacks=None, model=None, **params):
        super().__init__()
        self.callbacks = list(callbacks or [])
        for name in _HOOKS:
            overriding = [cb for cb in self.callbacks if _overrides(cb, name)]
            setattr(self, name, self._dispatcher(name, overriding) if overriding else _skip)
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    @staticmethod
    def _dispatcher(name, callbacks):
        methods = [getattr(cb, name) for cb in callbacks]

        def dispatch(*args, **kwargs):
            for method in methods:
                method(*args, **kwargs)

        return dispatch

    def set_model(self, model):
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def append(self, callback):
        self.__init__([*self.callbacks, callback], self._model, **self.params)


def _skip(*args, **kwargs):
    return None


class History(Callback):
    """Records the logs of every epoch in `history` (metric name -> list of values); `fit` returns it."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)
        if self.model is not None:
            self.model.history = self


class ProgbarLogger(Callback):
    """Prints `Epoch i/n` and a progress bar with the running loss and metrics (`verbose` from `fit`)."""

    def __init__(self):
        super().__init__()
        self._bar = None

    def _verbose(self):
        return self.params.get("verbose", 1)

    def on_epoch_begin(self, epoch, logs=None):
        if self._verbose():
            print(f"Epoch {epoch + 1}/{self.params.get('epochs', 1)}", flush=True)
        self._bar = Progbar(self.params.get("steps"), verbose=self._verbose())
        self._seen = 0

    def on_train_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        self._bar.update(self._seen, list((logs or {}).items()), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self._bar.update(self._seen, list((logs or {}).items()), finalize=True)

    def on_test_begin(self, logs=None):
        if not self.model or not getattr(self.model, "_in_fit", False):
            self._bar = Progbar(self.params.get("steps"), verbose=self._verbose())
            self._seen = 0

    def on_test_batch_end(self, batch, logs=None):
        if not getattr(self.model, "_in_fit", False):
            self._seen = batch + 1
            self._bar.update(self._seen, list((logs or {}).items()), finalize=False)

    def on_test_end(self, logs=None):
        if not getattr(self.model, "_in_fit", False):
            self._bar.update(self._seen, list((logs or {}).items()), finalize=True)

    def on_predict_begin(self, logs=None):
        self._bar = Progbar(self.params.get("steps"), verbose=self._verbose())
        self._seen = 0

    def on_predict_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        self._bar.update(self._seen, finalize=False)

    def on_predict_end(self, logs=None):
        self._bar.update(self._seen, finalize=True)
