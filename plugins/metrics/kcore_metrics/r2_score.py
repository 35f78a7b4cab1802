"""`R2Score`: the coefficient of determination, per target or aggregated, optionally adjusted for the number of
regressors, as in Keras 3."""

import numbers
import warnings

from kcore import backend
from kcore.errors import ConfigError, ShapeError
from kcore.metrics import Metric
from kcore_metrics.shapes import as_array, same_rank, weights_like

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")
_SUMS = (("squared_sum", "squared_sum"), ("sum", "sum"), ("total_mse", "residual"), ("count", "count"))


class R2Score(Metric):
    """`1 - sum((y_true - y_pred)**2) / sum((y_true - mean(y_true))**2)` for each target (last axis), all sums
    weighted by `sample_weight` and accumulated over every batch since `reset_state`.

    `class_aggregation=None` gives one score per target, "uniform_average" their mean, and
    "variance_weighted_average" their mean weighted by each target's total sum of squares. With
    `num_regressors=p > 0` the score is adjusted: `1 - (1 - R2) * (n - 1) / (n - p - 1)` for `n` samples (kept
    unadjusted, with a warning, when `n - p - 1 <= 0`). A target whose labels do not vary scores 0.

    Example:
        >>> m = R2Score()
        >>> m.update_state([[1], [4], [3]], [[2], [4], [4]])
        >>> round(float(m.result()), 4)
        0.5714
    """

    _direction = "up"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ConfigError(f"R2Score: `class_aggregation` must be one of None, 'uniform_average', "
                              f"'variance_weighted_average'. Received: class_aggregation={class_aggregation!r}")
        if isinstance(num_regressors, bool) or not isinstance(num_regressors, numbers.Integral) \
                or num_regressors < 0:
            raise ConfigError(f"R2Score: `num_regressors` must be an int >= 0. "
                              f"Received: num_regressors={num_regressors!r}")
        self.class_aggregation, self.num_regressors = class_aggregation, int(num_regressors)
        self.num_samples = self.add_variable((), name="num_samples")
        self._built = False

    def _build(self, num_targets):
        for attribute, name in _SUMS:
            setattr(self, attribute, self.add_variable((num_targets,), name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = same_rank(as_array(y_true).astype(self.dtype, copy=False),
                                   as_array(y_pred).astype(self.dtype, copy=False))
        if y_true.ndim != 2 or y_pred.ndim != 2 or y_true.shape != y_pred.shape:
            raise ShapeError(f"R2Score expects y_true and y_pred of the same shape (samples, targets). Received "
                             f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. For one "
                             f"target, reshape both to (samples, 1).")
        if not self._built:
            self._build(y_pred.shape[-1])
        elif y_pred.shape[-1] != self.sum.value.shape[0]:
            raise ShapeError(f"R2Score was built for {self.sum.value.shape[0]} targets; received "
                             f"y_pred.shape={tuple(y_pred.shape)}.")
        xp = backend.get().xp
        weights = xp.ones(y_true.shape, self.dtype) if sample_weight is None else \
            weights_like(sample_weight, y_true.shape, self.dtype, "R2Score")
        weighted = y_true * weights
        self.sum.value += weighted.sum(axis=0)
        self.squared_sum.value += (y_true * weighted).sum(axis=0)
        self.total_mse.value += ((y_true - y_pred) ** 2 * weights).sum(axis=0)
        self.count.value += weights.sum(axis=0)
        self.num_samples.value += xp.any(weights != 0, axis=-1).sum().astype(self.dtype)

    def result(self):
        xp = backend.get().xp
        if not self._built:
            return xp.asarray(0.0, self.dtype)
        count = self.count.value
        mean = self.sum.value / xp.where(count == 0, 1, count)
        total = self.squared_sum.value - self.sum.value * mean
        residual = self.total_mse.value
        scores = xp.where(total == 0, 0, 1 - residual / xp.where(total == 0, 1, total))
        if self.class_aggregation == "uniform_average":
            score = scores.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = (total * scores).sum() / total.sum() if float(total.sum()) else xp.asarray(0.0)
        else:
            score = scores
        n, p = float(self.num_samples.value), self.num_regressors
        if p:
            if n - p - 1 <= 0:
                warnings.warn(f"R2Score: num_regressors={p} needs more than {p + 1} samples for the adjusted R2 "
                              f"score; received {n:g}. Returning the standard R2 score.", stacklevel=2)
            else:
                score = 1 - (1 - score) * (n - 1) / (n - p - 1)
        return xp.asarray(score, self.dtype)

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
