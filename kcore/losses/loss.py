"""The Loss contract: `call` gives a loss per sample; `__call__` weights and reduces it (Keras 3 semantics)."""

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.utils import naming

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Multiply per-sample `values` by `sample_weight` (a scalar, or one weight per sample broadcast over
    trailing axes) and reduce them: "sum_over_batch_size" and "mean" divide the weighted sum by the number of
    values, "mean_with_sample_weight" by the sum of the weights, "sum" does not divide, "none" keeps them."""
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight)
        if sample_weight.dtype != values.dtype:
            sample_weight = sample_weight.astype(values.dtype)
        if sample_weight.ndim:
            while sample_weight.ndim < values.ndim:
                sample_weight = sample_weight[..., None]
            while sample_weight.ndim > values.ndim and sample_weight.shape[-1] == 1:
                sample_weight = sample_weight[..., 0]
            if values.ndim and sample_weight.shape[0] != values.shape[0]:
                raise ShapeError(f"sample_weight has {sample_weight.shape[0]} entries for a batch of "
                                 f"{values.shape[0]} samples; give one weight per sample.")
        values = values * sample_weight
    if reduction in ("none", None):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return total / ops.maximum(ops.sum(ops.broadcast_to(sample_weight, values.shape)), 1e-12)
    return total / max(values.size, 1)


class Loss:
    """Base class of losses. Subclasses implement `call(y_true, y_pred)` returning one value per sample.

    Example:
        >>> class MeanError(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return ops.mean(y_pred - y_true, axis=-1)
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in REDUCTIONS:
            raise ConfigError(f"{type(self).__name__}: `reduction` must be one of {REDUCTIONS}. "
                              f"Received: reduction={reduction!r}")
        self.name = name or naming.to_snake_case(type(self).__name__)
        self.reduction = reduction
        self.dtype = dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        return reduce_weighted_values(self.call(y_true, y_pred), sample_weight, self.reduction)

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} does not implement call(y_true, y_pred).")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A loss class around a per-sample loss function `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}
