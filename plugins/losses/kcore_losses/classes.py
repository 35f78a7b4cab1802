"""The loss classes: each wraps its per-sample function and reduces it (Keras 3 names, defaults, config keys).

Example:
    >>> loss = MeanSquaredError()
    >>> float(loss([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    0.5
    >>> loss.get_config()
    {'name': 'mean_squared_error', 'reduction': 'sum_over_batch_size'}
"""

import numbers

from kcore import ops
from kcore.errors import ConfigError
from kcore.losses import LossFunctionWrapper, reduce_weighted_values
from kcore_losses import ctc as _ctc
from kcore_losses import focal as _focal
from kcore_losses import hinge as _hinge
from kcore_losses import overlap as _overlap
from kcore_losses import probabilistic as _probabilistic
from kcore_losses import regression as _regression
from kcore_losses import similarity as _similarity
from kcore_losses.inputs import plain, xp

_DEFAULT = "sum_over_batch_size"


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squares of errors between labels and predictions."""

    def __init__(self, reduction=_DEFAULT, name="mean_squared_error", dtype=None):
        super().__init__(_regression.mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors between labels and predictions."""

    def __init__(self, reduction=_DEFAULT, name="mean_absolute_error", dtype=None):
        super().__init__(_regression.mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error: `100 * mean(abs((y_true - y_pred) / y_true))`."""

    def __init__(self, reduction=_DEFAULT, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(_regression.mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared error between `log(y + 1)` of labels and predictions."""

    def __init__(self, reduction=_DEFAULT, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(_regression.mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype)


class Huber(LossFunctionWrapper):
    """Quadratic for errors up to `delta`, linear beyond: robust to outliers.

    Example:
        >>> round(float(Huber()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])), 3)
        0.155
    """

    def __init__(self, delta=1.0, reduction=_DEFAULT, name="huber_loss", dtype=None):
        super().__init__(_regression.huber, reduction=reduction, name=name, dtype=dtype, delta=delta)
        self.delta = delta


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the error: about `x**2 / 2` for small errors, `|x| - log 2` for
    large ones."""

    def __init__(self, reduction=_DEFAULT, name="log_cosh", dtype=None):
        super().__init__(_regression.log_cosh, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along `axis`: minimising it aligns predictions with labels."""

    def __init__(self, axis=-1, reduction=_DEFAULT, name="cosine_similarity", dtype=None):
        super().__init__(_regression.cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy for binary (or multi-label) classification; `y_pred` is a probability, or a logit with
    `from_logits=True` (more stable: leave the sigmoid out of the model).

    Example:
        >>> round(float(BinaryCrossentropy(from_logits=True)([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8])), 3)
        0.865
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_DEFAULT,
                 name="binary_crossentropy", dtype=None):
        super().__init__(_probabilistic.binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy scaled by the focal factor `(1 - p_t) ** gamma` (Lin et al., 2017), which
    down-weights easy examples; with `apply_class_balancing`, class 1 is also weighted by `alpha` and class 0
    by `1 - alpha`. `gamma=0` without balancing is `BinaryCrossentropy`.

    Example:
        >>> loss = BinaryFocalCrossentropy(gamma=2, from_logits=True)
        >>> round(float(loss([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8])), 3)
        0.691
    """

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                 axis=-1, reduction=_DEFAULT, name="binary_focal_crossentropy", dtype=None):
        super().__init__(_focal.binary_focal_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.apply_class_balancing, self.alpha, self.gamma = apply_class_balancing, alpha, gamma
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot labels; for integer labels use `SparseCategoricalCrossentropy`.

    Example:
        >>> round(float(CategoricalCrossentropy()([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 3)
        1.177
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_DEFAULT,
                 name="categorical_crossentropy", dtype=None):
        super().__init__(_probabilistic.categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy of one-hot labels scaled by `alpha * (1 - p) ** gamma` (Lin et al., 2017), to
    focus training on hard examples and balance classes; `alpha` is a number or one weight per class.

    Example:
        >>> loss = CategoricalFocalCrossentropy()
        >>> round(float(loss([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
        0.2332
    """

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_DEFAULT,
                 name="categorical_focal_crossentropy", dtype=None):
        super().__init__(_focal.categorical_focal_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         alpha=alpha, gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis)
        self.alpha, self.gamma = alpha, gamma
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer class labels. With `ignore_class`, positions holding that label count for
    nothing: the reduced loss is the mean over the other positions (as Keras masks them).

    Example:
        >>> round(float(SparseCategoricalCrossentropy()([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 3)
        1.177
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction=_DEFAULT,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(_probabilistic.sparse_categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class)
        self.from_logits, self.ignore_class = from_logits, ignore_class

    def __call__(self, y_true, y_pred, sample_weight=None):
        values = self.call(y_true, y_pred)
        if self.ignore_class is None:
            return reduce_weighted_values(values, sample_weight, self.reduction)
        # Keras's mask: ignored positions weigh 0 and the others total / valid, so that a mean over all
        # positions is the mean over the valid ones.
        labels = plain(y_true)
        if labels.ndim > values.ndim:
            labels = labels.reshape(values.shape)
        mask = (labels != self.ignore_class).astype(values.dtype)
        if self.reduction in ("sum_over_batch_size", "mean"):
            mask *= mask.size / xp().maximum(mask.sum(), 1.0)
        if sample_weight is not None:
            weight = ops.convert_to_tensor(sample_weight).astype(values.dtype, copy=False)
            while weight.ndim > mask.ndim and weight.shape[-1] == 1:
                weight = weight[..., 0]
            mask = mask * weight.reshape(weight.shape + (1,) * (mask.ndim - weight.ndim))
        return reduce_weighted_values(values, mask, self.reduction)


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy `(1 - p ** q) / q` of the true class's probability `p` (Zhang and Sabuncu, 2018),
    for integer labels: robust to noisy labels; `q` in (0, 1) moves it from cross-entropy towards MAE.

    Example:
        >>> round(float(CategoricalGeneralizedCrossEntropy()([0, 1], [[0.7, 0.3], [0.2, 0.8]])), 4)
        0.2689
    """

    def __init__(self, q=0.5, reduction=_DEFAULT, name="categorical_generalized_cross_entropy", dtype=None):
        if isinstance(q, bool) or not isinstance(q, numbers.Real) or not 0 < q < 1:
            raise ConfigError(f"CategoricalGeneralizedCrossEntropy: `q` must be in the open interval (0, 1). "
                              f"Received: q={q!r}")
        super().__init__(_probabilistic.categorical_generalized_cross_entropy, reduction=reduction, name=name,
                         dtype=dtype, q=q)
        self.q = q


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred))` between probability distributions."""

    def __init__(self, reduction=_DEFAULT, name="kl_divergence", dtype=None):
        super().__init__(_probabilistic.kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """Poisson negative log-likelihood (up to a constant): `mean(y_pred - y_true * log(y_pred))`, for counts."""

    def __init__(self, reduction=_DEFAULT, name="poisson", dtype=None):
        super().__init__(_probabilistic.poisson, reduction=reduction, name=name, dtype=dtype)


class Hinge(LossFunctionWrapper):
    """`maximum(1 - y_true * y_pred, 0)`, labels in {-1, 1} (or {0, 1}, mapped to {-1, 1})."""

    def __init__(self, reduction=_DEFAULT, name="hinge", dtype=None):
        super().__init__(_hinge.hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """`square(maximum(1 - y_true * y_pred, 0))`, labels in {-1, 1} (or {0, 1})."""

    def __init__(self, reduction=_DEFAULT, name="squared_hinge", dtype=None):
        super().__init__(_hinge.squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """Multi-class hinge for one-hot labels: the best wrong class must trail the right one by a margin of 1."""

    def __init__(self, reduction=_DEFAULT, name="categorical_hinge", dtype=None):
        super().__init__(_hinge.categorical_hinge, reduction=reduction, name=name, dtype=dtype)


class CTC(LossFunctionWrapper):
    """Connectionist temporal classification loss: `-log p(labels | logits)` summed over every alignment of the
    labels to the time steps. `y_true` is `(batch, max_label_length)` integer labels padded at the end with 0 (the
    blank); `y_pred` is `(batch, time, num_classes)` logits, all `time` steps used.

    Example:
        >>> logits = [[[0.6931472, 0.0, 0.0], [0.6931472, 0.0, 0.0]]]  # probabilities 1/2, 1/4, 1/4 each step
        >>> round(float(CTC()([[1, 0]], logits)), 4)  # -log p("1 1", "1 -", "- 1") = -log(1/16 + 1/8 + 1/8)
        1.1632
    """

    def __init__(self, reduction=_DEFAULT, name="ctc", dtype=None):
        super().__init__(_ctc.ctc, reduction=reduction, name=name, dtype=dtype)


class Dice(LossFunctionWrapper):
    """`1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))` over `axis`, for segmentation masks;
    `axis=None` (Keras's default) scores the whole batch at once, `axis=(1, 2, 3)` each sample.

    Example:
        >>> y_true = [[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]]
        >>> y_pred = [[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]]
        >>> Dice(axis=(1, 2, 3), reduction=None)(y_true, y_pred)
        array([0.5       , 0.75757575], dtype=float32)
    """

    def __init__(self, reduction=_DEFAULT, name="dice", axis=None, dtype=None):
        super().__init__(_overlap.dice, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class Tversky(LossFunctionWrapper):
    """`1 - tp / (tp + alpha * fp + beta * fn)` over `axis` (Salehi et al., 2017): `alpha` weighs false positives,
    `beta` false negatives; `alpha = beta = 0.5` is `Dice`.

    Example:
        >>> round(float(Tversky(alpha=0.7, beta=0.3)([[1.0, 1.0, 0.0, 0.0]], [[1.0, 0.5, 0.5, 0.5]])), 4)
        0.3617
    """

    def __init__(self, alpha=0.5, beta=0.5, reduction=_DEFAULT, name="tversky", axis=None, dtype=None):
        super().__init__(_overlap.tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha, beta=beta,
                         axis=axis)
        self.alpha, self.beta, self.axis = alpha, beta, axis


class Circle(LossFunctionWrapper):
    """Circle loss (Sun et al., 2020) between integer labels and L2-normalised embeddings, over the pairs of the
    batch: same-class pairs are pulled together, other pairs pushed apart, each weighted by its distance from its
    optimum. As in Keras, samples whose loss is 0 (no positive or no negative pair) are masked: the mean is over
    the others.

    Example:
        >>> round(float(Circle(gamma=2.0, margin=0.25)([0, 0, 1], [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])), 4)
        0.8086
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction=_DEFAULT, name="circle", dtype=None):
        super().__init__(_similarity.circle, reduction=reduction, name=name, dtype=dtype, gamma=gamma, margin=margin,
                         remove_diagonal=remove_diagonal)
        self.gamma, self.margin, self.remove_diagonal = gamma, margin, remove_diagonal

    def __call__(self, y_true, y_pred, sample_weight=None):
        values = self.call(y_true, y_pred)
        # Keras's mask (loss > 0): masked samples weigh 0 and the others total / valid, so that a mean over
        # every sample is the mean over the valid ones.
        mask = (plain(values) > 0).astype(values.dtype)
        if self.reduction in ("sum_over_batch_size", "mean"):
            mask *= mask.size / xp().maximum(mask.sum(), 1.0)
        if sample_weight is not None:
            weight = ops.convert_to_tensor(sample_weight).astype(values.dtype, copy=False)
            mask = mask * weight.reshape(mask.shape) if weight.ndim else mask * weight
        return reduce_weighted_values(values, mask, self.reduction)
