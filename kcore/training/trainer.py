"""The training loop every Model has: compile, fit, evaluate, predict and their on-batch forms.

A step is `train_step(data)`: a forward pass under a GradientTape, the compiled loss (plus the layers'
regularisation losses), gradients for the trainable variables, one optimizer update, then the metrics.
Subclasses may override `train_step`, `test_step`, `predict_step` or `compute_loss`, as in Keras.
"""

import warnings

import numpy as np

from kcore import backend
from kcore.autodiff import GradientTape, Node
from kcore.callbacks.callback import Callback, CallbackList, History, ProgbarLogger
from kcore.distribution import distribution
from kcore.errors import ConfigError, KcoreError, NonFiniteLossError
from kcore.metrics.reduction import Mean
from kcore.training.compile_utils import CompiledLoss, CompiledMetrics
from kcore.training.data import ArrayData, make_data, unpack
from kcore.training.nonfinite import first_nonfinite_layer, step_is_finite
from kcore.utils import tree


def _plain(x):
    return x.value if isinstance(x, Node) else x


def _float(x):
    """A metric's result for the logs: a float, or a NumPy array for a metric with one value per class
    (F1Score(average=None), Precision(thresholds=[...])), as Keras logs them."""
    value = backend.to_numpy(_plain(x))
    return float(value) if getattr(value, "ndim", 0) == 0 else value


def _legacy(kwargs, old, new, values):
    if old in kwargs:
        warnings.warn(f"`{old}` is a legacy spelling; use `{new}` instead.", DeprecationWarning, stacklevel=4)
        values[new] = kwargs.pop(old)


class _NonFiniteStep(Exception):
    """Raised inside a step whose loss or gradients are not finite, before the update; `fit` reports it."""

    def __init__(self, loss, x):
        super().__init__()
        self.loss, self.x = loss, x


class Trainer:
    """The training-loop half of `Model`.

    `terminate_on_nan` (True by default): a step whose loss or gradients hold a NaN or an infinity is not
    applied, and `fit` stops with a `NonFiniteLossError` naming the epoch, the step and the first layer whose
    output is non-finite, the weights being those from before that step. Set `model.terminate_on_nan = False`
    to apply such steps anyway.
    """

    terminate_on_nan = True
    _distribution = None  # the active kcore.distribution, looked up by fit/evaluate; None: this process alone

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
        self.history = None
        self._compiled_loss = None
        self._compiled_metrics = None
        self._loss_tracker = None
        self._compile_config = None
        self._trainable_cache = None
        self._cached_layers = None
        self._in_fit = False
        self._initial_epoch = None  # the epoch a restored backup resumes at (Keras 3's attribute)

    # -- compile ------------------------------------------------------------------------------------------

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True, **kwargs):
        """Set the optimizer, the loss (one per output, or a dict by output name) and the metrics."""
        from kcore import optimizers
        from kcore.optimizers.optimizer import Optimizer

        if kwargs:
            raise ConfigError(f"compile(): unknown argument(s) {sorted(kwargs)}.")
        resolved = optimizers.get(optimizer)
        if not isinstance(resolved, Optimizer):
            raise ConfigError(f"compile(): `optimizer` must be an optimizer name such as 'adam' or an Optimizer "
                              f"instance; received {optimizer!r}.")
        names = self.output_names
        compiled_loss = CompiledLoss(loss, loss_weights, names)
        compiled_metrics = CompiledMetrics(metrics, weighted_metrics, names)
        for _, identifier, _ in compiled_metrics.specs:  # a misspelt metric fails here, not in the middle of fit
            if isinstance(identifier, str) and identifier not in ("accuracy", "acc"):
                from kcore.training.compile_utils import _resolve_metric

                _resolve_metric(identifier, None, None)
        # assigned only once everything resolved: a typo leaves the previous optimizer and its state in place
        self.optimizer, self._compiled_loss, self._compiled_metrics = resolved, compiled_loss, compiled_metrics
        self._loss_tracker = Mean(name="loss")
        self._output_loss_trackers = [Mean(name=f"{n}_loss") for n in names] if len(names) > 1 else []
        self._compile_config = {"optimizer": optimizer, "loss": loss, "loss_weights": loss_weights,
                                "metrics": metrics, "weighted_metrics": weighted_metrics}
        self.compiled = True

    @property
    def output_names(self):
        outputs = getattr(self, "_outputs_struct", None)
        if isinstance(outputs, dict):
            return sorted(outputs)
        if outputs is not None:
            return [t.history[0].name for t in tree.flatten(outputs)]
        layers = getattr(self, "_stack", None)
        return [layers[-1].name] if layers else ["output"]

    def _assert_compiled(self, method):
        if not self.compiled:
            raise KcoreError(f"You must call compile() before {method}(), e.g. model.compile(optimizer='adam', "
                             f"loss='sparse_categorical_crossentropy', metrics=['accuracy']).")

    @property
    def metrics(self):
        found = [self._loss_tracker] if self._loss_tracker is not None else []
        found += self._output_loss_trackers if self.compiled else []
        if self._compiled_metrics is not None and self._compiled_metrics.metrics is not None:
            found += [m for _, m, _ in self._compiled_metrics.metrics]
        return found

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    # -- steps --------------------------------------------------------------------------------------------

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of `y_pred` against `y`, plus every regularisation and `add_loss` term."""
        from kcore import ops

        total, parts = self._compiled_loss(y, y_pred, sample_weight)
        self._last_output_losses = parts
        for term in self._extra_losses():
            total = term if total is None else ops.add(total, term)
        return total

    def _layer_cache(self):
        """The model's layers and regularised variables, found once per fit rather than at every step."""
        if getattr(self, "_cached_layers", None) is None:
            layers = self._flatten_layers()
            regularized = [v for layer in layers for v in layer._trainable_variables
                           if v.regularizer is not None]
            self._cached_layers = (layers, regularized)
        return self._cached_layers

    def _extra_losses(self):
        """Regularisation of trainable weights and what layers added with add_loss (as `self.losses`)."""
        layers, regularized = self._layer_cache()
        terms = [v.regularizer(v) for v in regularized if v.trainable]
        return terms + [term for layer in layers for term in layer._losses]

    def _clear_step_losses(self):
        # before the first forward pass some layers may not exist yet (made in a build), so do not cache here
        layers = self._cached_layers[0] if getattr(self, "_cached_layers", None) else self._flatten_layers()
        for layer in layers:
            if layer._losses:
                layer._losses = []

    def _update_metrics(self, x, y, y_pred, sample_weight, loss):
        batch = len(tree.flatten(x)[0])
        self._loss_tracker.update_state(_plain(loss), sample_weight=batch)
        for tracker, part in zip(self._output_loss_trackers, self._last_output_losses, strict=False):
            if part is not None:
                tracker.update_state(_plain(part), sample_weight=batch)
        self._compiled_metrics.update_state(y, tree.map_structure(_plain, y_pred), sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        if self._distribution is not None:  # data parallel: the results of every process's states summed
            with self._distribution.summed_states(self.metrics):
                return self._local_metrics_result()
        return self._local_metrics_result()

    def _local_metrics_result(self):
        logs = {self._loss_tracker.name: _float(self._loss_tracker.result())}
        for tracker in self._output_loss_trackers:
            logs[tracker.name] = _float(tracker.result())
        for name, value in self._compiled_metrics.results():
            logs[name] = _float(value)
        return logs

    def train_step(self, data):
        x, y, sample_weight = data
        with GradientTape() as tape:
            self._clear_step_losses()
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
        if self._trainable_cache is None:
            self._trainable_cache = self.trainable_variables
        variables = self._trainable_cache
        grads = tape.gradient(loss, variables)
        if self._distribution is not None:  # data parallel: the global batch's gradients and loss, on every process
            grads, loss = self._distribution.reduce_gradients(grads, loss, x)
        if self.terminate_on_nan and not step_is_finite(loss, grads):
            raise _NonFiniteStep(loss, x)
        self.optimizer.apply(grads, variables)
        return self._update_metrics(x, y, y_pred, sample_weight, loss)

    def _nonfinite_error(self, bad, epoch, step, steps):
        value = float(backend.to_numpy(_plain(bad.loss)))
        where = first_nonfinite_layer(self, bad.x)
        what = f"the loss became {value}" if not np.isfinite(value) else "a gradient became NaN or infinite"
        return NonFiniteLossError(
            f"fit stopped at epoch {epoch + 1}, step {step + 1}{f' of {steps}' if steps else ''}: {what}"
            f"{f'; the first non-finite values come from {where}' if where else ''}. That step was not applied: "
            f"the weights are those from before it. Usual fixes: a lower learning rate, gradient clipping "
            f"(e.g. optimizer=Adam(clipnorm=1.0)), scaled inputs, or from_logits=True for losses on logits. "
            f"(Set model.terminate_on_nan = False to apply such steps anyway.)")

    def test_step(self, data):
        x, y, sample_weight = data
        self._clear_step_losses()
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        return self._update_metrics(x, y, y_pred, sample_weight, loss)

    def predict_step(self, data):
        x, _, _ = unpack(data)
        return self(x, training=False)

    # -- loops --------------------------------------------------------------------------------------------

    def _callbacks(self, callbacks, verbose, epochs, steps):
        if isinstance(callbacks, CallbackList):
            return callbacks
        listed = list(callbacks or [])
        for callback in listed:
            if not isinstance(callback, Callback):
                raise ConfigError(f"`callbacks` must be Callback instances, e.g. "
                                  f"callbacks=[kcore.callbacks.EarlyStopping(patience=2)]; received "
                                  f"{type(callback).__name__} {callback!r}.")
        if self._distribution is not None and not self._distribution.is_chief:  # process 0 prints and writes files
            verbose, listed = 0, [cb for cb in listed if not getattr(cb, "_chief_worker_only", False)]
        if verbose and not any(isinstance(cb, ProgbarLogger) for cb in listed):
            listed.insert(0, ProgbarLogger())
        if not any(isinstance(cb, History) for cb in listed):
            listed.append(History())
        return CallbackList(listed, model=self, epochs=epochs, steps=steps, verbose=verbose)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1, **kwargs):
        """Train for `epochs` epochs; return the `History` (`history.history` maps metric names to values)."""
        legacy = {}
        _legacy(kwargs, "nb_epoch", "epochs", legacy)
        epochs = legacy.get("epochs", epochs)
        if kwargs:
            raise ConfigError(f"fit(): unknown argument(s) {sorted(kwargs)}.")
        self._assert_compiled("fit")
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
            raise ConfigError(f"fit(): `epochs` must be a positive int. Received: epochs={epochs!r}")
        data = make_data(x, y, sample_weight, batch_size, steps_per_epoch, shuffle, class_weight)
        validation = None
        if validation_split and validation_data is not None:
            raise ConfigError("fit(): pass either validation_split or validation_data, not both "
                              f"(received validation_split={validation_split}).")
        if validation_split:
            if not isinstance(data, ArrayData):
                raise ConfigError("fit(): validation_split works with arrays only; for a generator or PyDataset "
                                  "pass validation_data instead.")
            data, validation = data.split(validation_split)
        elif validation_data is not None:
            vx, vy, vsw = unpack(validation_data) if isinstance(validation_data, tuple) else (
                validation_data, None, None)
            validation = make_data(vx, vy, vsw, validation_batch_size or batch_size, validation_steps)
        verbose = 1 if verbose == "auto" else verbose
        dist = self._distribution = distribution()
        if dist is not None:  # data parallel: this process's shard of every global batch
            data = dist.distribute_dataset(data)
            validation = None if validation is None else dist.distribute_dataset(validation)
        callbacks = self._callbacks(callbacks, verbose, epochs, data.steps)
        self.stop_training, self._in_fit, self._trainable_cache, self._cached_layers = False, True, None, None
        epoch_logs = {}
        try:
            callbacks.on_train_begin()
            if dist is not None:  # process 0's weights, optimizer state and restored epoch on every process
                dist.synchronize(self)
            if self._initial_epoch is not None:  # set by a callback restoring a backup (BackupAndRestore)
                initial_epoch, self._initial_epoch = self._initial_epoch, None
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                callbacks.on_epoch_begin(epoch)
                for step, batch in enumerate(data.batches(epoch)):
                    callbacks.on_train_batch_begin(step)
                    try:
                        logs = self.train_step(batch)
                    except _NonFiniteStep as bad:
                        raise self._nonfinite_error(bad, epoch, step, data.steps) from None
                    callbacks.on_train_batch_end(step, logs)
                    if self.stop_training:
                        break
                data.on_epoch_end()
                if dist is not None:
                    dist.on_epoch_end(self)
                epoch_logs = self.get_metrics_result()
                if validation is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = self.evaluate(_data=validation, verbose=0, callbacks=callbacks, return_dict=True)
                    epoch_logs.update({f"val_{name}": value for name, value in val_logs.items()})
                callbacks.on_epoch_end(epoch, epoch_logs)
                if self.stop_training:
                    break
            callbacks.on_train_end(epoch_logs)
        finally:
            self._in_fit = False
        return self.history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        """The loss and metrics on the given data: a float, a list [loss, *metrics], or a dict."""
        data = kwargs.pop("_data", None)
        if kwargs:
            raise ConfigError(f"evaluate(): unknown argument(s) {sorted(kwargs)}.")
        self._assert_compiled("evaluate")
        dist = self._distribution = distribution()
        if data is None:
            data = make_data(x, y, sample_weight, batch_size, steps)
            data = data if dist is None else dist.distribute_dataset(data)
            self._cached_layers = None
        verbose = 1 if verbose == "auto" else verbose
        callbacks = self._callbacks(callbacks, verbose, 1, getattr(data, "steps", None))
        self.reset_metrics()
        callbacks.on_test_begin()
        logs = {}
        for step, batch in enumerate(data.batches()):
            callbacks.on_test_batch_begin(step)
            logs = self.test_step(batch)
            callbacks.on_test_batch_end(step, logs)
        logs = self.get_metrics_result()
        callbacks.on_test_end(logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for `x`, batch by batch, as NumPy arrays."""
        data = make_data(x, None, None, batch_size, steps)
        verbose = 1 if verbose == "auto" else verbose
        self._distribution = distribution()  # every process predicts all of x; process 0 prints
        callbacks = self._callbacks(callbacks, verbose, 1, getattr(data, "steps", None))
        callbacks.on_predict_begin()
        batches = []
        for step, batch in enumerate(data.batches()):
            callbacks.on_predict_batch_begin(step)
            batches.append(tree.map_structure(lambda t: backend.to_numpy(_plain(t)), self.predict_step(batch)))
            callbacks.on_predict_batch_end(step, {"outputs": batches[-1]})
        callbacks.on_predict_end()
        if not batches:
            raise KcoreError("predict(): the data produced no batch.")
        leaves = [tree.flatten(b) for b in batches]
        joined = [np.concatenate([b[i] for b in leaves]) for i in range(len(leaves[0]))]
        return tree.pack_sequence_as(batches[0], joined)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One optimizer step on one batch; returns that batch's loss (and metrics)."""
        self._assert_compiled("train_on_batch")
        data = make_data(x, y, sample_weight, len(tree.flatten(x)[0]), class_weight=class_weight)
        self._trainable_cache = self._cached_layers = None
        self._distribution = distribution()  # each process passes its own batch
        self.reset_metrics()
        try:
            logs = self.train_step(next(data.batches()))
        except _NonFiniteStep as bad:
            raise self._nonfinite_error(bad, 0, 0, 1) from None
        values = list(logs.values())
        return logs if return_dict else values[0] if len(values) == 1 else values

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled("test_on_batch")
        data = make_data(x, y, sample_weight, len(tree.flatten(x)[0]))
        self._cached_layers = None
        self._distribution = distribution()
        self.reset_metrics()
        logs = self.test_step(next(data.batches()))
        values = list(logs.values())
        return logs if return_dict else values[0] if len(values) == 1 else values

    def predict_on_batch(self, x):
        return tree.map_structure(lambda t: backend.to_numpy(_plain(t)), self(x, training=False))

    def get_compile_config(self):
        return self._compile_config
