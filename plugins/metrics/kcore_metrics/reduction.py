"""`Sum`: the weighted sum of every value seen since the last `reset_state` (`Mean` is in the core)."""

from kcore.metrics import Metric
from kcore_metrics.shapes import as_array, same_rank, weights_like


class Sum(Metric):
    """The (weighted) sum of the given values.

    Example:
        >>> m = Sum()
        >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
        >>> float(m.result())
        4.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")

    def update_state(self, values, sample_weight=None):
        values = as_array(values).astype(self.dtype, copy=False)
        if sample_weight is not None:
            values, weights = same_rank(values, as_array(sample_weight))
            values = values * weights_like(weights, values.shape, self.dtype, "Sum")
        self.total.value += values.sum()

    def result(self):
        return self.total.value.copy()
