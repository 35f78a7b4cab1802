"""Regression losses, per sample (reduced over the last axis only), with Keras 3's formulas.

Example:
    >>> mean_squared_error([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])
    array([0.5, 0.5], dtype=float32)
"""

import math

from kcore import config, ops
from kcore_losses.inputs import prepare

_LOG2 = math.log(2.0)


def mean_squared_error(y_true, y_pred):
    """`mean(square(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = prepare("mean_squared_error", y_true, y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """`mean(abs(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = prepare("mean_absolute_error", y_true, y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)`."""
    y_true, y_pred = prepare("mean_absolute_percentage_error", y_true, y_pred)
    diff = ops.abs((y_true - y_pred) / ops.maximum(ops.abs(y_true), config.epsilon()))
    return 100.0 * ops.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """`mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)`."""
    y_true, y_pred = prepare("mean_squared_logarithmic_error", y_true, y_pred)
    eps = config.epsilon()
    first_log = ops.log(ops.maximum(y_pred, eps) + 1.0)
    second_log = ops.log(ops.maximum(y_true, eps) + 1.0)
    return ops.mean(ops.square(first_log - second_log), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """`mean(0.5 * e**2 if |e| <= delta else delta * |e| - 0.5 * delta**2, axis=-1)` with `e = y_pred - y_true`."""
    y_true, y_pred = prepare("huber", y_true, y_pred)
    delta = float(delta)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    return ops.mean(ops.where(abs_error <= delta, 0.5 * ops.square(error), delta * abs_error - 0.5 * delta * delta),
                    axis=-1)


def log_cosh(y_true, y_pred):
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, as `x + softplus(-2x) - log(2)`, which cannot overflow."""
    y_true, y_pred = prepare("log_cosh", y_true, y_pred)
    error = y_pred - y_true
    return ops.mean(error + ops.softplus(-2.0 * error) - _LOG2, axis=-1)


def _l2_normalize(x, axis):
    # x * min(rsqrt(sum(x**2)), 1 / epsilon), as keras.ops.normalize, written so a zero vector has gradient 0
    eps = config.epsilon()
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), eps * eps))


def cosine_similarity(y_true, y_pred, axis=-1):
    """`-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`: -1 for aligned vectors, 1 for opposite ones."""
    y_true, y_pred = prepare("cosine_similarity", y_true, y_pred)
    return -ops.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)
