"""`Mean` and `MeanMetricWrapper`: the running weighted mean every loss tracker and most metrics are."""

from kcore import ops
from kcore.metrics.metric import Metric


class Mean(Metric):
    """The weighted mean of every value seen since the last `reset_state`.

    Example:
        >>> m = Mean()
        >>> m.update_state([1.0, 3.0])
        >>> float(m.result())
        2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

    def update_state(self, values, sample_weight=None):
        values = ops.convert_to_tensor(values)
        if getattr(values, "edges", None) is not None:
            values = values.value
        values = values.astype(self.dtype, copy=False) if hasattr(values, "astype") else values
        if sample_weight is None:
            self.total.value += values.sum()
            self.count.value += values.size
            return
        weights = ops.convert_to_tensor(sample_weight).astype(self.dtype, copy=False)
        while weights.ndim > values.ndim and weights.shape[-1] == 1:  # (n, 1) weights for (n,) values
            weights = weights[..., 0]
        while weights.ndim < values.ndim:
            weights = weights[..., None]
        weights = weights * ops.ones_like(values)
        self.total.value += (values * weights).sum()
        self.count.value += weights.sum()

    def result(self):
        return self.total.value / self.count.value if float(self.count.value) else self.total.value * 0


class MeanMetricWrapper(Mean):
    """A metric from a function `fn(y_true, y_pred, **kwargs)` giving one value per sample: their mean."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "metric"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}
