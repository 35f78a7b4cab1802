"""Hinge metrics: the running weighted mean of the hinge losses of kcore-losses, as in Keras 3. Labels in
{0, 1} are read as {-1, 1} by `Hinge` and `SquaredHinge`, as the losses do."""

from kcore_metrics.loss_wrapper import LossMetric


class Hinge(LossMetric):
    """The running weighted mean of `hinge`: `mean(maximum(1 - y_true * y_pred, 0), axis=-1)`.

    Example:
        >>> m = Hinge()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        1.3
    """

    _loss = "hinge"

    def __init__(self, name="hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SquaredHinge(LossMetric):
    """The running weighted mean of `squared_hinge`: `mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`.

    Example:
        >>> m = SquaredHinge()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        1.86
    """

    _loss = "squared_hinge"

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class CategoricalHinge(LossMetric):
    """The running weighted mean of `categorical_hinge` (one-hot labels):
    `maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)` per sample.

    Example:
        >>> m = CategoricalHinge()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        1.4
    """

    _loss = "categorical_hinge"

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)
