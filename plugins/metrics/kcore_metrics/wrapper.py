"""The base of this package's function metrics: kcore's `MeanMetricWrapper`, with Keras's alignment of
`sample_weight` to the per-sample values (so weights of shape (n, 1) weigh values of shape (n,) one to one)."""

from kcore.metrics import Mean, MeanMetricWrapper
from kcore_metrics.shapes import weights_like


class MeanWrapper(MeanMetricWrapper):
    """The weighted mean of `fn(y_true, y_pred, **kwargs)` over every batch since the last `reset_state`."""

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if sample_weight is not None:
            sample_weight = weights_like(sample_weight, values.shape, self.dtype, type(self).__name__)
        Mean.update_state(self, values, sample_weight)
