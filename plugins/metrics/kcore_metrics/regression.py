"""Regression metrics, as in Keras 3: mean squared, mean absolute and root mean squared error computed here, and
the running means of the percentage, squared logarithmic, log-cosh and cosine losses of kcore-losses."""

from kcore import backend, config
from kcore.errors import ConfigError
from kcore.metrics import Mean
from kcore_metrics.loss_wrapper import LossMetric
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


class MeanAbsolutePercentageError(LossMetric):
    """The running weighted mean of `mean_absolute_percentage_error`: `100 * mean(abs((y_true - y_pred) /
    y_true), axis=-1)`, the denominator kept at least epsilon.

    Example:
        >>> m = MeanAbsolutePercentageError()
        >>> m.update_state([[1, 2], [4, 4]], [[1, 1], [2, 4]])
        >>> float(m.result())
        25.0
    """

    _loss = "mean_absolute_percentage_error"

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanSquaredLogarithmicError(LossMetric):
    """The running weighted mean of `mean_squared_logarithmic_error`:
    `mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)`.

    Example:
        >>> m = MeanSquaredLogarithmicError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> round(float(m.result()), 4)
        0.1201
    """

    _loss = "mean_squared_logarithmic_error"

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class LogCoshError(LossMetric):
    """The running weighted mean of `log_cosh`: `mean(log(cosh(y_pred - y_true)), axis=-1)`. Keras names it
    "logcosh" by default.

    Example:
        >>> m = LogCoshError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> round(float(m.result()), 4)
        0.1084
    """

    _loss = "log_cosh"

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(name=name, dtype=dtype)


class CosineSimilarity(LossMetric):
    """The running weighted mean of the cosine similarity of `y_true` and `y_pred` along `axis`: 1 for aligned
    vectors, -1 for opposite ones (the negated `cosine_similarity` loss).

    Example:
        >>> m = CosineSimilarity(axis=1)
        >>> m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
        >>> round(float(m.result()), 4)
        0.5
    """

    _direction = "up"
    _loss = "cosine_similarity"
    _sign = -1.0

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ConfigError(f"CosineSimilarity: `axis` must be an int. Received: axis={axis!r}")
        super().__init__(name=name, dtype=dtype, axis=axis)
        self.axis = axis
