"""Regression metrics: mean squared, mean absolute and root mean squared error, as in Keras 3."""

from kcore import backend, config
from kcore.metrics import Mean
from kcore_metrics.shapes import as_array, same_rank, weights_like
from kcore_metrics.wrapper import MeanWrapper


def _difference(y_true, y_pred):
    y_pred = as_array(y_pred, config.floatx())
    y_true, y_pred = same_rank(as_array(y_true).astype(y_pred.dtype, copy=False), y_pred)
    return y_true - y_pred


def mean_squared_error(y_true, y_pred):
    """`mean(square(y_true - y_pred), axis=-1)`: one value per sample.

    Example:
        >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).tolist()
        [0.5]
    """
    difference = _difference(y_true, y_pred)
    return (difference * difference).mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    """`mean(abs(y_true - y_pred), axis=-1)`: one value per sample.

    Example:
        >>> mean_absolute_error([[0.0, 1.0]], [[1.0, 1.0]]).tolist()
        [0.5]
    """
    return backend.get().xp.abs(_difference(y_true, y_pred)).mean(axis=-1)


class MeanSquaredError(MeanWrapper):
    """The running weighted mean of `mean_squared_error`.

    Example:
        >>> m = MeanSquaredError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> float(m.result())
        0.25
    """

    _direction = "down"

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanWrapper):
    """The running weighted mean of `mean_absolute_error`.

    Example:
        >>> m = MeanAbsoluteError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
        >>> float(m.result())
        0.5
    """

    _direction = "down"

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """`sqrt` of the running weighted mean of the squared errors.

    Example:
        >>> m = RootMeanSquaredError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> float(m.result())
        0.5
    """

    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        difference = _difference(y_true, y_pred)
        if sample_weight is not None:
            sample_weight = weights_like(sample_weight, difference.shape, self.dtype, "RootMeanSquaredError")
        super().update_state(difference * difference, sample_weight)

    def result(self):
        return backend.get().xp.sqrt(super().result())
