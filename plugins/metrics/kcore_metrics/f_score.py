"""`FBetaScore` and `F1Score`: the weighted harmonic mean of precision and recall, per class or averaged, as in
Keras 3 (for multi-class and multi-label classification; inputs of shape (samples, classes))."""

import numbers

from kcore import config
from kcore.errors import ConfigError, ShapeError
from kcore.metrics import Metric
from kcore_metrics.shapes import as_array, weights_like

_AVERAGES = (None, "micro", "macro", "weighted")
_COUNTS = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")


class FBetaScore(Metric):
    """`(1 + beta**2) * precision * recall / (beta**2 * precision + recall)`.

    A prediction counts as positive when it is greater than `threshold`, or, with `threshold=None`, when it is
    the largest (non-zero) score of its sample. `average=None` gives one score per class; "micro" counts over
    every class at once; "macro" is the plain mean of the per-class scores and "weighted" their mean weighted
    by each class's (weighted) number of true labels.

    Example:
        >>> m = FBetaScore(beta=2.0, threshold=0.5)
        >>> m.update_state([[0, 1], [1, 0]], [[0.2, 0.7], [0.6, 0.8]])
        >>> [round(float(v), 4) for v in m.result()]  # class 1: precision 1/2, recall 1
        [1.0, 0.8333]
    """

    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        owner = type(self).__name__
        if average not in _AVERAGES:
            raise ConfigError(f"{owner}: `average` must be one of None, 'micro', 'macro', 'weighted'. "
                              f"Received: average={average!r}")
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not beta > 0:
            raise ConfigError(f"{owner}: `beta` must be a number > 0. Received: beta={beta!r}")
        if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, numbers.Real)
                                      or not 0 < threshold <= 1):
            raise ConfigError(f"{owner}: `threshold` must be None or a number with 0 < threshold <= 1. "
                              f"Received: threshold={threshold!r}")
        self.average, self.beta = average, float(beta)
        self.threshold = None if threshold is None else float(threshold)
        self._built = False

    def _build(self, num_classes):
        shape = () if self.average == "micro" else (num_classes,)
        for count in _COUNTS:
            setattr(self, count, self.add_variable(shape, name=count))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        owner = type(self).__name__
        y_pred = as_array(y_pred).astype(self.dtype, copy=False)
        y_true = as_array(y_true).astype(self.dtype, copy=False)
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ShapeError(f"{owner} expects y_true and y_pred of shape (samples, classes). Received "
                             f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}.")
        if not self._built:
            self._build(y_pred.shape[-1])
        if self.threshold is None:  # the top score of each sample, unless it is 0 ([0, 0] stays all negative)
            predicted = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(self.dtype)
        weights = 1.0 if sample_weight is None else weights_like(sample_weight, y_pred.shape, self.dtype, owner)
        axis = None if self.average == "micro" else 0
        for count, values in zip(_COUNTS, (predicted * y_true, predicted * (1 - y_true), (1 - predicted) * y_true,
                                           y_true), strict=True):
            getattr(self, count).value += (values * weights).sum(axis=axis).astype(self.dtype, copy=False)

    def result(self):
        if not self._built:
            return as_array(0.0).astype(self.dtype)
        eps = config.epsilon()
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        precision, recall = tp / (tp + fp + eps), tp / (tp + fn + eps)
        beta2 = self.beta ** 2
        score = (1 + beta2) * precision * recall / (beta2 * precision + recall + eps)
        if self.average == "weighted":
            support = self.intermediate_weights.value
            return (score * support / (support.sum() + eps)).sum().astype(self.dtype, copy=False)
        if self.average is not None:
            return score.mean().astype(self.dtype, copy=False)
        return score.astype(self.dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """`2 * precision * recall / (precision + recall)`: `FBetaScore` with `beta=1`.

    Example:
        >>> m = F1Score(threshold=0.5)
        >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
        >>> [round(float(v), 4) for v in m.result()]
        [0.5, 0.8, 0.6667]
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
