"""One rate at its best under a floor on another, as in Keras 3: `PrecisionAtRecall`, `RecallAtPrecision`,
`SensitivityAtSpecificity` and `SpecificityAtSensitivity`. Each counts tp, fp, tn and fn at `num_thresholds`
evenly spaced thresholds over [0, 1] (with confusion.py's counting) and returns the best value of one rate among
the thresholds where the other reaches `value` (0 when none does)."""

import numbers

from kcore import backend
from kcore.errors import ConfigError, ShapeError
from kcore.metrics import Metric
from kcore_metrics.confusion import confusion_counts
from kcore_metrics.shapes import as_array, divide_no_nan, same_rank, weights_like

_COUNTS = ("true_positives", "false_positives", "true_negatives", "false_negatives")


class _RateAtRate(Metric):
    """The state and update of the four metrics; subclasses name their floor (`_floor`) and say which rate is
    constrained and which maximized (`_rates`)."""

    _direction = "up"
    _floor = None  # the argument name: "recall", "precision", "specificity" or "sensitivity"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        owner = type(self).__name__
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
            raise ConfigError(f"{owner}: argument `{self._floor}` must be in the range [0, 1]. "
                              f"Received: {self._floor}={value!r}")
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, numbers.Integral) or num_thresholds < 1:
            raise ConfigError(f"{owner}: argument `num_thresholds` must be an integer > 0. "
                              f"Received: num_thresholds={num_thresholds!r}")
        if class_id is not None and (isinstance(class_id, bool) or not isinstance(class_id, numbers.Integral)
                                     or class_id < 0):
            raise ConfigError(f"{owner}: `class_id` must be a non-negative int or None. "
                              f"Received: class_id={class_id!r}")
        self.value, self.num_thresholds, self.class_id = value, int(num_thresholds), class_id
        setattr(self, self._floor, value)
        if num_thresholds == 1:
            self.thresholds, self._clip = [0.5], False
        else:  # 0, 1/(n-1), ..., 1: predictions are clipped into [0, 1], as Keras does for evenly spaced ones
            self.thresholds = [0.0] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]
            self._clip = True
        self._threshold_array = backend.get().xp.asarray(self.thresholds, dtype=self.dtype)
        for count in _COUNTS:
            setattr(self, count, self.add_variable((len(self.thresholds),), name=count))

    def update_state(self, y_true, y_pred, sample_weight=None):
        owner = type(self).__name__
        y_pred, y_true = same_rank(as_array(y_pred).astype(self.dtype, copy=False), as_array(y_true))
        weights = None if sample_weight is None else weights_like(sample_weight, y_pred.shape, self.dtype, owner)
        if self.class_id is not None:
            if y_pred.ndim < 2 or self.class_id >= y_pred.shape[-1]:
                raise ShapeError(f"{owner}: class_id={self.class_id} needs predictions of shape (samples, classes) "
                                 f"with more than {self.class_id} classes; received shape {tuple(y_pred.shape)}.")
            y_true, y_pred = y_true[..., self.class_id], y_pred[..., self.class_id]
            weights = None if weights is None else weights[..., self.class_id]
        counts = confusion_counts(y_true, y_pred, self._threshold_array, weights, clip=self._clip)
        for name, count in zip(_COUNTS, counts, strict=True):
            getattr(self, name).value += count

    def _rates(self, tp, fp, tn, fn):
        """(constrained, maximized) rates at every threshold."""
        raise NotImplementedError

    def result(self):
        xp = backend.get().xp
        constrained, maximized = self._rates(*(getattr(self, name).value for name in _COUNTS))
        feasible = constrained >= self.value
        return xp.asarray(xp.where(feasible, maximized, 0).max(), self.dtype)

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id, "num_thresholds": self.num_thresholds,
                self._floor: self.value}


def _recall(tp, fp, tn, fn):
    return divide_no_nan(tp, tp + fn)


def _precision(tp, fp, tn, fn):
    return divide_no_nan(tp, tp + fp)


def _specificity(tp, fp, tn, fn):
    return divide_no_nan(tn, tn + fp)


class PrecisionAtRecall(_RateAtRate):
    """The best precision at any threshold where recall is at least `recall`.

    Example:
        >>> m = PrecisionAtRecall(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> float(m.result())
        0.5
    """

    _floor = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def _rates(self, *counts):
        return _recall(*counts), _precision(*counts)


class RecallAtPrecision(_RateAtRate):
    """The best recall at any threshold where precision is at least `precision` (0 when no threshold reaches it).

    Example:
        >>> m = RecallAtPrecision(0.8)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> float(m.result())
        0.5
    """

    _floor = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def _rates(self, *counts):
        return _precision(*counts), _recall(*counts)


class SensitivityAtSpecificity(_RateAtRate):
    """The best sensitivity (`tp / (tp + fn)`) at any threshold where specificity (`tn / (tn + fp)`) is at least
    `specificity`.

    Example:
        >>> m = SensitivityAtSpecificity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> float(m.result())
        0.5
    """

    _floor = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def _rates(self, *counts):
        return _specificity(*counts), _recall(*counts)


class SpecificityAtSensitivity(_RateAtRate):
    """The best specificity (`tn / (tn + fp)`) at any threshold where sensitivity (`tp / (tp + fn)`) is at least
    `sensitivity`.

    Example:
        >>> m = SpecificityAtSensitivity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> round(float(m.result()), 4)
        0.6667
    """

    _floor = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def _rates(self, *counts):
        return _recall(*counts), _specificity(*counts)
