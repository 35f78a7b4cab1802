"""Probabilistic metrics: the running weighted mean of the cross-entropies, the KL divergence and the Poisson
loss, as in Keras 3. Each value per sample is the loss of the same name from kcore-losses."""

import numbers

from kcore.errors import ConfigError
from kcore_metrics.loss_wrapper import LossMetric


def _check_smoothing(owner, label_smoothing):
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real) \
            or not 0 <= label_smoothing <= 1:
        raise ConfigError(f"{owner}: `label_smoothing` must be a number in [0, 1]. "
                          f"Received: label_smoothing={label_smoothing!r}")


def _check_axis(owner, axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ConfigError(f"{owner}: `axis` must be an int. Received: axis={axis!r}")


class BinaryCrossentropy(LossMetric):
    """The running weighted mean of `binary_crossentropy` (two classes; labels 0 or 1).

    `from_logits=True` reads `y_pred` as logits; `label_smoothing` squeezes the labels towards 0.5.

    Example:
        >>> m = BinaryCrossentropy()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        0.8149
    """

    _loss = "binary_crossentropy"

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        _check_smoothing("BinaryCrossentropy", label_smoothing)
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits, self.label_smoothing = from_logits, label_smoothing


class CategoricalCrossentropy(LossMetric):
    """The running weighted mean of `categorical_crossentropy` (one-hot labels) along `axis`.

    Example:
        >>> m = CategoricalCrossentropy()
        >>> m.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        >>> round(float(m.result()), 4)
        1.1769
    """

    _loss = "categorical_crossentropy"

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0, axis=-1):
        _check_smoothing("CategoricalCrossentropy", label_smoothing)
        _check_axis("CategoricalCrossentropy", axis)
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(LossMetric):
    """The running weighted mean of `sparse_categorical_crossentropy` (integer labels) along `axis`; positions
    labelled `ignore_class` score 0.

    Example:
        >>> m = SparseCategoricalCrossentropy()
        >>> m.update_state([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        >>> round(float(m.result()), 4)
        1.1769
    """

    _loss = "sparse_categorical_crossentropy"

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, ignore_class=None,
                 axis=-1):
        _check_axis("SparseCategoricalCrossentropy", axis)
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis


class KLDivergence(LossMetric):
    """The running weighted mean of `kl_divergence`: `sum(y_true * log(y_true / y_pred), axis=-1)`.

    Example:
        >>> m = KLDivergence()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        0.4581
    """

    _loss = "kl_divergence"

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(name=name, dtype=dtype)


class Poisson(LossMetric):
    """The running weighted mean of `poisson`: `mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`.

    Example:
        >>> m = Poisson()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> round(float(m.result()), 4)
        0.5
    """

    _loss = "poisson"

    def __init__(self, name="poisson", dtype=None):
        super().__init__(name=name, dtype=dtype)
