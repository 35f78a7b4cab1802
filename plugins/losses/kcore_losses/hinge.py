"""Hinge losses (maximum-margin classification), per sample, with Keras 3's formulas.

`hinge` and `squared_hinge` expect labels in {-1, 1}; labels given in {0, 1} are mapped to {-1, 1} first, as
Keras does (decided on the device, without reading the labels back to the host).

Example:
    >>> hinge([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])
    array([1.1, 1.5], dtype=float32)
"""

from kcore import ops
from kcore_losses.inputs import plain, prepare, xp


def _to_signed_labels(y_true):
    """`2 * y - 1` when every label is 0 or 1, else the labels unchanged."""
    labels = plain(y_true)
    module = xp()
    binary = module.all((labels == 0) | (labels == 1))  # a 0-d array: no host round trip
    return module.where(binary, 2.0 * labels - 1.0, labels).astype(labels.dtype, copy=False)


def hinge(y_true, y_pred):
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)`."""
    y_true, y_pred = prepare("hinge", y_true, y_pred)
    return ops.mean(ops.maximum(1.0 - _to_signed_labels(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`."""
    y_true, y_pred = prepare("squared_hinge", y_true, y_pred)
    return ops.mean(ops.square(ops.maximum(1.0 - _to_signed_labels(y_true) * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """`maximum(max((1 - y_true) * y_pred, axis=-1) - sum(y_true * y_pred, axis=-1) + 1, 0)` for one-hot labels."""
    y_true, y_pred = prepare("categorical_hinge", y_true, y_pred)
    positive = ops.sum(y_true * y_pred, axis=-1)
    negative = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(negative - positive + 1.0, 0.0)
