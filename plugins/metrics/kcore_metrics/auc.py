"""`AUC`: the area under the ROC or precision-recall curve, by a Riemann sum over fixed thresholds (Keras 3)."""

from kcore import backend, config, ops
from kcore.errors import ConfigError, ShapeError
from kcore.metrics import Metric
from kcore_metrics.confusion import confusion_counts, evenly_spaced, parse_thresholds
from kcore_metrics.shapes import as_array, divide_no_nan, same_rank, weights_like

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")
_COUNTS = ("true_positives", "false_positives", "true_negatives", "false_negatives")


class AUC(Metric):
    """Approximates the area under the ROC curve (`curve="ROC"`) or the precision-recall curve (`"PR"`).

    Predictions are counted at `num_thresholds` thresholds spread evenly over [0, 1] (or at `thresholds`), plus
    one just below 0 and one just above 1; the area is then a Riemann sum over those points: mid-point heights
    for `summation_method="interpolation"` (for PR, the interpolation of Davis & Goadrich, 2006), the lower or
    upper of each pair of points for "minoring" or "majoring". With `multi_label=True`, `y_pred` has shape
    (samples, labels), one AUC is computed per label and their mean (weighted by `label_weights`) returned.

    Example:
        >>> m = AUC(num_thresholds=3)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> float(m.result())  # thresholds [-1e-7, 0.5, 1 + 1e-7]: recall [1, .5, 0], false positive rate [1, 0, 0]
        0.75
    """

    _direction = "up"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        self.curve = _CURVES.get(str(curve).lower())
        if self.curve is None:
            raise ConfigError(f'AUC: invalid `curve` value "{curve}". Expected one of "ROC", "PR", "PRGAIN".')
        self.summation_method = str(summation_method).lower()
        if self.summation_method not in _SUMMATIONS:
            raise ConfigError(f'AUC: invalid `summation_method` value "{summation_method}". Expected one of '
                              f'"interpolation", "majoring", "minoring".')
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds("AUC", thresholds, None))
            self.num_thresholds = len(inner) + 2
            self._clip = evenly_spaced([0.0, *inner, 1.0])
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ConfigError(f"AUC: argument `num_thresholds` must be an integer > 1. "
                                  f"Received: num_thresholds={num_thresholds!r}")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._clip = True
        # End points just outside [0, 1], so that predictions of exactly 0 or 1 fall inside the curve.
        self._thresholds = [0.0 - config.epsilon(), *inner, 1.0 + config.epsilon()]
        self._threshold_array = backend.get().xp.asarray(self._thresholds, dtype=self.dtype)
        if num_labels and not multi_label:
            raise ConfigError(f"AUC: `num_labels` is needed only when `multi_label` is True. "
                              f"Received: num_labels={num_labels!r}, multi_label={multi_label!r}")
        self.multi_label, self.num_labels, self.from_logits = bool(multi_label), num_labels, bool(from_logits)
        self.label_weights = None if label_weights is None else as_array(label_weights).astype(self.dtype)
        self._built = False
        if not self.multi_label or num_labels:
            self._build((None, num_labels) if self.multi_label else None)

    @property
    def thresholds(self):
        """The thresholds the curve is evaluated at, end points included."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ShapeError(f"AUC: `y_pred` must have rank 2 (samples, labels) when multi_label=True. "
                                 f"Received shape {tuple(shape)}.")
            self._num_labels = shape[1]
        variable_shape = (self.num_thresholds, self._num_labels) if self.multi_label else (self.num_thresholds,)
        for count in _COUNTS:
            setattr(self, count, self.add_variable(variable_shape, name=count))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = as_array(y_pred).astype(self.dtype, copy=False)
        if not self._built:
            self._build(y_pred.shape)
        if self.multi_label and (y_pred.ndim != 2 or y_pred.shape[1] != self._num_labels):
            raise ShapeError(f"AUC: with multi_label=True, `y_pred` must have shape (samples, "
                             f"{self._num_labels}). Received shape {tuple(y_pred.shape)}.")
        if self.from_logits:
            y_pred = ops.sigmoid(y_pred)
        y_pred, y_true = same_rank(y_pred, as_array(y_true))
        weights = None if sample_weight is None else weights_like(sample_weight, y_pred.shape, self.dtype, "AUC")
        if self.label_weights is not None and not self.multi_label:  # weigh each label's predictions
            weights = self.label_weights if weights is None else weights * self.label_weights
            weights = backend.get().xp.broadcast_to(weights, y_pred.shape)
        counts = confusion_counts(y_true, y_pred, self._threshold_array, weights, self.multi_label, self._clip)
        for name, count in zip(_COUNTS, counts, strict=True):
            getattr(self, name).value += count

    def _average(self, by_label):
        """One AUC from the per-label AUCs (multi_label) or the only one."""
        if not self.multi_label:
            return by_label
        if self.label_weights is None:
            return by_label.mean()
        return divide_no_nan((by_label * self.label_weights).sum(), self.label_weights.sum())

    def _interpolated_pr_auc(self, tp, fp, fn):
        """Davis & Goadrich (2006): between two thresholds, true positives grow linearly with predicted positives
        P, so precision = (TP_a + slope * (P - P_a)) / P integrates in closed form to
        slope * (dTP + intercept * log(P_a / P_b)), with intercept = TP_b - slope * P_b."""
        xp = backend.get().xp
        p = tp + fp
        d_tp, d_p = tp[:-1] - tp[1:], p[:-1] - p[1:]
        slope = divide_no_nan(d_tp, xp.maximum(d_p, 0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        ratio = xp.where(both_positive, divide_no_nan(p[:-1], xp.maximum(p[1:], 0)), 1)
        area = divide_no_nan(slope * (d_tp + intercept * xp.log(ratio)), xp.maximum(tp[1:] + fn[1:], 0))
        return self._average(area.sum(axis=0))

    def result(self):
        xp = backend.get().xp
        tp, fp, tn, fn = (getattr(self, name).value for name in _COUNTS)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc(tp, fp, fn)
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:  # PRGAIN: recall and precision gains, with a zero-true-positive point set to (0, 1)
            scale = divide_no_nan(tp + fn, tn + fp)
            no_tp = tp == 0
            x = xp.maximum(xp.where(no_tp, 0, 1 - scale * divide_no_nan(fn, tp)), 0)
            y = xp.where(no_tp, 1, 1 - scale * divide_no_nan(fp, tp))
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = xp.minimum(y[:-1], y[1:])
        else:
            heights = xp.maximum(y[:-1], y[1:])
        return self._average(((x[:-1] - x[1:]) * heights).sum(axis=0))

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels, "from_logits": self.from_logits,
                  "label_weights": None if self.label_weights is None
                  else backend.to_numpy(self.label_weights).tolist()}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
