"""Overlap losses for segmentation (Keras 3's "image segmentation" losses): one minus a soft overlap score
between a mask `y_true` and predicted probabilities `y_pred`, summed over `axis`.

`axis=None` (Keras's default) sums over every axis, batch included, and gives one value for the whole batch; pass
the non-batch axes, e.g. `axis=(1, 2, 3)` for `(batch, rows, cols, channels)` masks, for one value per sample.

Example:
    >>> y_true = [[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]]
    >>> y_pred = [[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]]
    >>> dice(y_true, y_pred, axis=(1, 2, 3))
    array([0.5       , 0.75757575], dtype=float32)
    >>> round(float(dice(y_true, y_pred)), 5)
    0.61644
"""

import numbers

from kcore import config, ops
from kcore.errors import ConfigError
from kcore_losses.inputs import prepare


def _check_axis(loss, axis):
    def is_int(a):
        return isinstance(a, int) and not isinstance(a, bool)

    if not (axis is None or is_int(axis) or (isinstance(axis, (tuple, list)) and all(map(is_int, axis)))):
        raise ConfigError(f"{loss}: `axis` must be None (every axis), an int or a tuple of ints, e.g. (1, 2, 3) for "
                          f"one value per sample of (batch, rows, cols, channels) masks. Received: axis={axis!r}")
    return tuple(axis) if isinstance(axis, list) else axis


def dice(y_true, y_pred, axis=None):
    """`1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon)`, sums over `axis`."""
    axis = _check_axis("dice", axis)
    y_true, y_pred = prepare("dice", y_true, y_pred)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    total = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis)
    return 1.0 - 2.0 * intersection / (total + config.epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """`1 - tp / (tp + alpha * fp + beta * fn + epsilon)` (Salehi et al., 2017), with the soft counts
    `tp = sum(y_true * y_pred)`, `fp = sum((1 - y_true) * y_pred)`, `fn = sum(y_true * (1 - y_pred))` over `axis`.

    `alpha` weighs false positives and `beta` false negatives; `alpha = beta = 0.5` is the Dice loss.
    """
    axis = _check_axis("tversky", axis)
    for argument, value in (("alpha", alpha), ("beta", beta)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
            raise ConfigError(f"tversky: `{argument}` must be a number >= 0. Received: {argument}={value!r}")
    y_true, y_pred = prepare("tversky", y_true, y_pred)
    true_positives = ops.sum(y_true * y_pred, axis=axis)
    false_positives = ops.sum((1.0 - y_true) * y_pred, axis=axis)
    false_negatives = ops.sum(y_true * (1.0 - y_pred), axis=axis)
    denominator = true_positives + alpha * false_positives + beta * false_negatives + config.epsilon()
    return 1.0 - true_positives / denominator
