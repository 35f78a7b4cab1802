"""Confusion-matrix counts at thresholds, and the metrics made of them: `Precision`, `Recall`, the counts themselves
(`TruePositives`, `FalsePositives`, `TrueNegatives`, `FalseNegatives`) and, in auc.py, `AUC`.
A prediction counts as positive at threshold t when it is strictly greater than t, as in Keras 3."""

import numbers

from kcore import backend, config
from kcore.errors import ConfigError, ShapeError
from kcore.metrics import Metric
from kcore_metrics.shapes import as_array, divide_no_nan, same_rank, weights_like

#: The threshold used with `top_k` alone: every kept prediction is above it, every dropped one is not.
NEG_INF = -1e10


def evenly_spaced(thresholds):
    """Whether `thresholds` are 0, 1/(n-1), ..., 1 (n >= 3): Keras then clips predictions into [0, 1]."""
    n = len(thresholds)
    return n >= 3 and all(abs(t - i / (n - 1)) <= config.epsilon() for i, t in enumerate(thresholds))


def confusion_counts(y_true, y_pred, thresholds, weights=None, multi_label=False, clip=False):
    """Weighted (tp, fp, tn, fn) at each threshold, each of shape (len(thresholds),), or
    (len(thresholds), labels) with `multi_label` (then `y_pred` has shape (samples, labels)).

    Every prediction is placed once, by binary search, among the sorted thresholds; one weighted histogram
    over those positions and a reversed cumulative sum give the counts at every threshold in O(n log t),
    without a (thresholds x predictions) comparison matrix.

    Example:
        >>> counts = confusion_counts(np.array([0, 0, 1, 1]), np.array([0, .5, .3, .9], "float32"), [0.2, 0.6])
        >>> [c.tolist() for c in counts]  # tp, fp, tn, fn at 0.2 and at 0.6
        [[2.0, 1.0], [1.0, 0.0], [1.0, 2.0], [0.0, 1.0]]
    """
    xp = backend.get().xp
    dtype = y_pred.dtype
    thresholds = xp.asarray(thresholds, dtype=dtype)
    order = xp.argsort(thresholds)
    positions = xp.searchsorted(thresholds[order], xp.clip(y_pred, 0, 1) if clip else y_pred, side="left")
    labels = y_pred.shape[-1] if multi_label else 1
    if multi_label:  # one histogram per label: bin = position * labels + label
        positions = positions * labels + xp.arange(labels)
    is_true = y_true != 0
    weights = xp.ones(y_pred.shape, dtype) if weights is None else weights
    # bincount accumulates in float64 whatever its input; the counts are cast back to the metric's dtype at once.
    bins = (len(thresholds) + 1) * labels
    histograms = [xp.bincount(positions.ravel(), (weights * mask).ravel(), minlength=bins).astype(dtype)
                  for mask in (is_true, ~is_true)]
    counts = []
    for histogram in histograms:  # [positives, negatives]
        at_or_above = xp.cumsum(histogram.reshape(-1, labels)[::-1], axis=0)[::-1]  # row j: position >= j
        total, above = at_or_above[0], at_or_above[1:]  # above[j]: prediction > j-th sorted threshold
        unsorted = xp.empty_like(above)
        unsorted[order] = above
        counts.append((unsorted, total - unsorted))
    (tp, fn), (fp, tn) = counts
    if not multi_label:
        tp, fp, tn, fn = (c[:, 0] for c in (tp, fp, tn, fn))
    return tp, fp, tn, fn


def top_k_filter(y_pred, k):
    """`y_pred` with every value outside the `k` largest of its last axis set to NEG_INF (ties: lower index)."""
    xp = backend.get().xp
    order = xp.argsort(-y_pred, axis=-1, kind="stable")
    rank = xp.argsort(order, axis=-1)
    return xp.where(rank < k, y_pred, xp.asarray(NEG_INF, dtype=y_pred.dtype))


def parse_thresholds(owner, thresholds, top_k):
    if thresholds is None:
        return [0.5 if top_k is None else NEG_INF]
    values = [thresholds] if isinstance(thresholds, numbers.Real) else list(thresholds)
    bad = [t for t in values if isinstance(t, bool) or not isinstance(t, numbers.Real) or not 0 <= t <= 1]
    if bad or not values:
        raise ConfigError(f"{owner}: `thresholds` must be a number or a list of numbers in [0, 1]. "
                          f"Received: thresholds={thresholds!r}")
    return [float(t) for t in values]


class _PrecisionRecall(Metric):
    """Counts true positives and one kind of error at `thresholds`, optionally in the `top_k` predictions
    of each sample and for the class `class_id` alone."""

    _direction = "up"
    _error = None  # "false_positives" or "false_negatives"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        owner = type(self).__name__
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
            raise ConfigError(f"{owner}: `top_k` must be a positive int or None. Received: top_k={top_k!r}")
        if class_id is not None and (isinstance(class_id, bool) or not isinstance(class_id, int) or class_id < 0):
            raise ConfigError(f"{owner}: `class_id` must be a non-negative int or None. "
                              f"Received: class_id={class_id!r}")
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = parse_thresholds(owner, thresholds, top_k)
        self._clip = evenly_spaced(self.thresholds)
        self._threshold_array = backend.get().xp.asarray(self.thresholds, dtype=self.dtype)
        self.true_positives = self.add_variable((len(self.thresholds),), name="true_positives")
        setattr(self, self._error, self.add_variable((len(self.thresholds),), name=self._error))

    def update_state(self, y_true, y_pred, sample_weight=None):
        owner = type(self).__name__
        y_pred, y_true = same_rank(as_array(y_pred).astype(self.dtype, copy=False), as_array(y_true))
        weights = None if sample_weight is None else weights_like(sample_weight, y_pred.shape, self.dtype, owner)
        if self.top_k is not None:
            y_pred = top_k_filter(y_pred, self.top_k)
        if self.class_id is not None:
            if y_pred.ndim < 2 or self.class_id >= y_pred.shape[-1]:
                raise ShapeError(f"{owner}: class_id={self.class_id} needs predictions of shape (samples, classes) "
                                 f"with more than {self.class_id} classes; received shape {tuple(y_pred.shape)}.")
            y_true, y_pred = y_true[..., self.class_id], y_pred[..., self.class_id]
            weights = None if weights is None else weights[..., self.class_id]
        tp, fp, _, fn = confusion_counts(y_true, y_pred, self._threshold_array, weights, clip=self._clip)
        self.true_positives.value += tp
        getattr(self, self._error).value += fp if self._error == "false_positives" else fn

    def result(self):
        tp = self.true_positives.value
        result = divide_no_nan(tp, tp + getattr(self, self._error).value)
        return result[0] if len(self.thresholds) == 1 else result

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """`true_positives / (true_positives + false_positives)`: how many predicted positives are real.

    With `top_k`, only the k highest predictions of each sample count as predicted positives; with `class_id`,
    only that class (last axis) is scored. One value per threshold when `thresholds` is a list.

    Example:
        >>> m = Precision()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 4)
        0.6667
    """

    _error = "false_positives"


class Recall(_PrecisionRecall):
    """`true_positives / (true_positives + false_negatives)`: how many real positives are predicted.

    With `top_k`, only the k highest predictions of each sample count as predicted positives; with `class_id`,
    only that class (last axis) is scored. One value per threshold when `thresholds` is a list.

    Example:
        >>> m = Recall()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 4)
        0.6667
    """

    _error = "false_negatives"


class _ConditionCount(Metric):
    """The weighted count of one confusion-matrix condition at each of `thresholds` (default 0.5)."""

    _condition = None  # index into confusion_counts' (tp, fp, tn, fn)

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(type(self).__name__, thresholds, None)
        self._clip = evenly_spaced(self.thresholds)
        self._threshold_array = backend.get().xp.asarray(self.thresholds, dtype=self.dtype)
        self.accumulator = self.add_variable((len(self.thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        owner = type(self).__name__
        y_pred, y_true = same_rank(as_array(y_pred).astype(self.dtype, copy=False), as_array(y_true))
        weights = None if sample_weight is None else weights_like(sample_weight, y_pred.shape, self.dtype, owner)
        counts = confusion_counts(y_true, y_pred, self._threshold_array, weights, clip=self._clip)
        self.accumulator.value += counts[self._condition]

    def result(self):
        count = self.accumulator.value.copy()
        return count[0] if len(self.thresholds) == 1 else count

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConditionCount):
    """The weighted number of predictions above the threshold whose label is positive (one per threshold).

    Example:
        >>> m = TruePositives()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> float(m.result())
        2.0
    """

    _condition = 0


class FalsePositives(_ConditionCount):
    """The weighted number of predictions above the threshold whose label is negative (one per threshold).

    Example:
        >>> m = FalsePositives()
        >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
        >>> float(m.result())
        2.0
    """

    _condition = 1


class TrueNegatives(_ConditionCount):
    """The weighted number of predictions at or below the threshold whose label is negative (one per threshold).

    Example:
        >>> m = TrueNegatives()
        >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
        >>> float(m.result())
        2.0
    """

    _condition = 2


class FalseNegatives(_ConditionCount):
    """The weighted number of predictions at or below the threshold whose label is positive (one per threshold).

    Example:
        >>> m = FalseNegatives()
        >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
        >>> float(m.result())
        2.0
    """

    _condition = 3
