"""What `compile(loss=..., metrics=...)` turns into: one loss and a list of metrics per model output."""

from kcore.errors import ConfigError, ShapeError, UnknownNameError
from kcore.losses.loss import Loss, LossFunctionWrapper
from kcore.metrics.metric import Metric
from kcore.metrics.reduction import MeanMetricWrapper
from kcore.utils import tree


def _per_output(spec, output_names, what):
    """`spec` (one value, a list, or a dict by output name) as a list aligned with the outputs."""
    count = len(output_names)
    if isinstance(spec, dict):
        unknown = set(spec) - set(output_names)
        if unknown:
            raise ConfigError(f"compile: `{what}` names outputs {sorted(unknown)}, but the model's outputs are "
                              f"{output_names}.")
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and what == "loss":
        if len(spec) != count:
            raise ConfigError(f"compile: the model has {count} outputs {output_names}; `loss` is a list of "
                              f"{len(spec)}. Give one loss per output, or a dict by output name.")
        return list(spec)
    return [spec] * count


def resolve_loss(identifier):
    from kcore import losses

    if identifier is None:
        return None
    if isinstance(identifier, Loss):
        return identifier
    found = losses.get(identifier)
    if isinstance(found, Loss):
        return found
    if callable(found):
        name = identifier if isinstance(identifier, str) else getattr(found, "__name__", "loss")
        return LossFunctionWrapper(found, name=name)
    raise ConfigError(f"compile: `loss` must be a name, a Loss or a function; received {identifier!r}.")


class CompiledLoss:
    """The total loss: the weighted sum of each output's loss."""

    def __init__(self, loss, loss_weights, output_names):
        if loss is None:
            raise ConfigError("compile(): pass a `loss`, e.g. loss='sparse_categorical_crossentropy'. (A model whose "
                              "layers add their own losses with add_loss may pass loss=None by overriding "
                              "compute_loss.)")
        self.output_names = output_names
        self.losses = [resolve_loss(spec) for spec in _per_output(loss, output_names, "loss")]
        weights = _per_output(loss_weights, output_names, "loss_weights") if loss_weights is not None else None
        if isinstance(loss_weights, (list, tuple)) and len(loss_weights) != len(output_names):
            raise ConfigError(f"compile: `loss_weights` has {len(loss_weights)} entries for "
                              f"{len(output_names)} outputs.")
        if isinstance(loss_weights, (list, tuple)):
            weights = list(loss_weights)
        self.weights = [1.0 if w is None else float(w) for w in (weights or [None] * len(output_names))]

    def __call__(self, y_true, y_pred, sample_weight=None):
        from kcore import ops

        truths, preds = tree.flatten(y_true), tree.flatten(y_pred)
        if len(truths) != len(preds):
            raise ShapeError(f"The model has {len(preds)} outputs {self.output_names}, but y holds {len(truths)} "
                             f"target arrays. Pass one target per output (a list, or a dict by output name).")
        weights = tree.flatten(sample_weight) if sample_weight is not None else [None] * len(preds)
        if len(weights) == 1 and len(preds) > 1:
            weights = weights * len(preds)
        total, parts = None, []
        for loss, weight, truth, pred, sw in zip(self.losses, self.weights, truths, preds, weights, strict=True):
            if loss is None:
                parts.append(None)
                continue
            value = loss(truth, pred, sample_weight=sw)
            parts.append(value)
            term = value if weight == 1.0 else ops.multiply(value, weight)
            total = term if total is None else ops.add(total, term)
        return total, parts


def _resolve_metric(identifier, y_true, y_pred):
    from kcore.plugins import manager

    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str) and identifier in ("accuracy", "acc"):
        pred_shape, true_shape = tuple(y_pred.shape), tuple(getattr(y_true, "shape", ()))
        if not pred_shape or pred_shape[-1] == 1:
            fn_name = "binary_accuracy"
        elif len(true_shape) < len(pred_shape) or true_shape[-1:] == (1,):
            fn_name = "sparse_categorical_accuracy"
        else:
            fn_name = "categorical_accuracy"
        return MeanMetricWrapper(manager().get("metric", fn_name), name=identifier)
    if isinstance(identifier, str):
        try:
            found = manager().get("metric", identifier)
        except UnknownNameError as metric_error:
            try:
                found = manager().get("loss", identifier)  # Keras accepts loss names as metrics ("mse")
            except UnknownNameError:
                raise metric_error from None
        if isinstance(found, type):
            metric = found()
            metric.name = identifier  # Keras logs a metric under the string it was given ("mae", not its class's)
            return metric
        return MeanMetricWrapper(found, name=identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", "metric"))
    raise ConfigError(f"compile: a metric must be a name, a Metric or a function; received {identifier!r}.")


class CompiledMetrics:
    """Metrics per output, resolved on the first batch (so that "accuracy" can look at the shapes)."""

    def __init__(self, metrics, weighted_metrics, output_names):
        self.output_names = output_names
        self.specs = []  # (output index, identifier, weighted)
        for specs, weighted in ((metrics, False), (weighted_metrics, True)):
            if specs is None:
                continue
            if isinstance(specs, dict):
                per_output = _per_output(specs, output_names, "metrics")
            elif specs and all(isinstance(s, (list, tuple)) for s in specs) and len(output_names) > 1:
                per_output = list(specs)
            else:
                per_output = [specs] * len(output_names)
            for index, entries in enumerate(per_output):
                for entry in ([] if entries is None else entries if isinstance(entries, (list, tuple)) else [entries]):
                    self.specs.append((index, entry, weighted))
        self.metrics = None

    def build(self, y_true, y_pred):
        truths, preds = tree.flatten(y_true), tree.flatten(y_pred)
        self.metrics = []
        for index, identifier, weighted in self.specs:
            metric = _resolve_metric(identifier, truths[index], preds[index])
            if len(self.output_names) > 1:
                metric.name = f"{self.output_names[index]}_{metric.name}"
            self.metrics.append((index, metric, weighted))

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.metrics is None:
            self.build(y_true, y_pred)
        truths, preds = tree.flatten(y_true), tree.flatten(y_pred)
        weights = tree.flatten(sample_weight) if sample_weight is not None else None
        for index, metric, weighted in self.metrics:
            sw = None
            if weighted and weights is not None:
                sw = weights[index] if len(weights) > 1 else weights[0]
            metric.update_state(truths[index], preds[index], sample_weight=sw)

    def reset_state(self):
        for _, metric, _ in self.metrics or ():
            metric.reset_state()

    def results(self):
        return [(metric.name, metric.result()) for _, metric, _ in self.metrics or ()]
