"""Correlation metrics, as in Keras 3: `PearsonCorrelation` and `ConcordanceCorrelation`, the running weighted
means of a coefficient computed along `axis` within each batch (not over the whole data set)."""

import numbers

from kcore import backend, config
from kcore.errors import ConfigError
from kcore_metrics.shapes import as_array, same_rank
from kcore_metrics.wrapper import MeanWrapper


def _aligned(y_true, y_pred):
    y_pred = as_array(y_pred, config.floatx())
    return same_rank(as_array(y_true).astype(y_pred.dtype, copy=False), y_pred)


def _axis(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation of `y_true` and `y_pred` along `axis`: the mean product of their standardized
    values (population standard deviations). A constant input gives NaN, as in Keras.

    Example:
        >>> y_true, y_pred = [[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]]
        >>> [round(float(c), 4) for c in pearson_correlation(y_true, y_pred)]
        [1.0, 0.9934]
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    axis = _axis(axis)
    true_centered = y_true - y_true.mean(axis=axis, keepdims=True)
    pred_centered = y_pred - y_pred.mean(axis=axis, keepdims=True)
    true_std = true_centered.std(axis=axis, keepdims=True)
    pred_std = pred_centered.std(axis=axis, keepdims=True)
    return ((true_centered / true_std) * (pred_centered / pred_std)).mean(axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation of `y_true` and `y_pred` along `axis`:
    `2 cov / (var(y_true) + var(y_pred) + (mean(y_true) - mean(y_pred))**2 + epsilon)` (population moments).

    Example:
        >>> y_true, y_pred = [[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]]
        >>> [round(float(c), 4) for c in concordance_correlation(y_true, y_pred)]
        [0.9756, 0.9877]
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    axis = _axis(axis)
    true_mean = y_true.mean(axis=axis, keepdims=True)
    pred_mean = y_pred.mean(axis=axis, keepdims=True)
    norm = y_true.var(axis=axis, keepdims=True) + y_pred.var(axis=axis, keepdims=True) + (true_mean - pred_mean) ** 2
    covariance = (y_true - true_mean) * (y_pred - pred_mean)
    return (2 * covariance / (norm + backend.get().xp.asarray(config.epsilon(), y_pred.dtype))).mean(axis=axis)


class _Correlation(MeanWrapper):
    _direction = "up"

    def __init__(self, name=None, dtype=None, axis=-1):
        values = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        if not values or any(isinstance(a, bool) or not isinstance(a, numbers.Integral) for a in values):
            raise ConfigError(f"{type(self).__name__}: `axis` must be an int or a tuple of ints. "
                              f"Received: axis={axis!r}")
        super().__init__(type(self)._coefficient, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class PearsonCorrelation(_Correlation):
    """The running weighted mean of `pearson_correlation` (one coefficient per sample with `axis=-1`).

    Example:
        >>> m = PearsonCorrelation(axis=-1)
        >>> m.update_state([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])
        >>> round(float(m.result()), 4)
        0.9967
    """

    _coefficient = staticmethod(pearson_correlation)

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(name=name, dtype=dtype, axis=axis)


class ConcordanceCorrelation(_Correlation):
    """The running weighted mean of `concordance_correlation` (one coefficient per sample with `axis=-1`).

    Example:
        >>> m = ConcordanceCorrelation(axis=-1)
        >>> m.update_state([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])
        >>> round(float(m.result()), 4)
        0.9816
    """

    _coefficient = staticmethod(concordance_correlation)

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(name=name, dtype=dtype, axis=axis)
