"""The Charbonnier loss: a smooth L1, quadratic near zero and linear far from it."""

from kcore import ops
from kcore.errors import ConfigError
from kcore.losses import LossFunctionWrapper


def charbonnier(y_true, y_pred, epsilon=1e-3):
    """`mean(sqrt((y_pred - y_true)**2 + epsilon**2), axis=-1)`, one value per sample.

    Example:
        >>> charbonnier(np.zeros((1, 2), "float32"), np.array([[3.0, 4.0]], "float32"), epsilon=0.0)
        array([3.5], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred) if not hasattr(y_pred, "dtype") else y_pred
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    return ops.mean(ops.sqrt(ops.square(y_pred - y_true) + float(epsilon) ** 2), axis=-1)


class Charbonnier(LossFunctionWrapper):
    """The Charbonnier loss as a class, reduced over the batch as every Keras loss is.

    Example:
        >>> Charbonnier(epsilon=0.0)(np.zeros((2, 1), "float32"), np.array([[1.0], [-3.0]], "float32"))
        array(2., dtype=float32)
    """

    def __init__(self, epsilon=1e-3, reduction="sum_over_batch_size", name="charbonnier", dtype=None):
        if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or epsilon < 0:
            raise ConfigError(f"Charbonnier: `epsilon` must be a number >= 0. Received: epsilon={epsilon!r}")
        super().__init__(charbonnier, reduction=reduction, name=name, dtype=dtype, epsilon=float(epsilon))
