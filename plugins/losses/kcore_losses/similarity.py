"""Circle loss (Sun et al., 2020, "Circle Loss: A Unified Perspective of Pair Similarity Optimization"), per
sample, as Keras 3 computes it: for integer labels `y_true` and L2-normalised embeddings `y_pred`, every pair's
cosine distance `d` is pushed below `margin` for pairs of one class (positives) and above `1 - margin` for pairs of
different classes (negatives), each pair weighted by how far it is from its optimum:

    p = logsumexp over positives of  -gamma * max(margin + d, 0) * (margin - d)
    n = logsumexp over negatives of   gamma * max(1 + margin - d, 0) * (1 - margin - d)
    loss = softplus(p + n)

A sample with no positive (or no negative) pair gets 0. By default the pairs are taken within the batch, without a
sample's pair with itself; `ref_labels` and `ref_embeddings` give another set to compare against.

Example:
    >>> y_pred = [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]
    >>> circle([0, 0, 1], y_pred, gamma=2.0, margin=0.25)
    array([0.6117554, 1.0054924, 0.       ], dtype=float32)
"""

import numbers

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore_losses.inputs import as_float, plain, xp


def _labels(loss, labels, embeddings, what):
    labels = plain(labels)
    if labels.ndim == 2 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if embeddings.ndim != 2 or tuple(labels.shape) != (embeddings.shape[0],):
        raise ShapeError(f"{loss}: expects {what} embeddings of shape (n, dim) and one integer label per embedding, "
                         f"shape (n,). Received: labels.shape={tuple(labels.shape)}, "
                         f"embeddings.shape={tuple(embeddings.shape)}.")
    return labels.astype("int64", copy=False)


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80.0, margin=0.4):
    """Circle loss of each embedding in `y_pred` against `ref_embeddings` (default: `y_pred` itself)."""
    loss = "circle"
    if isinstance(gamma, bool) or not isinstance(gamma, numbers.Real) or gamma <= 0:
        raise ConfigError(f"{loss}: `gamma` (the scale of the similarities) must be a number > 0. "
                          f"Received: gamma={gamma!r}")
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real):
        raise ConfigError(f"{loss}: `margin` must be a number, e.g. 0.25. Received: margin={margin!r}")
    y_pred = as_float(y_pred)
    labels = _labels(loss, y_true, y_pred, "y_pred")
    if ref_embeddings is None:
        ref_embeddings = y_pred
    else:
        ref_embeddings = ops.cast(as_float(ref_embeddings), y_pred.dtype)
    ref_labels = labels if ref_labels is None else _labels(loss, ref_labels, ref_embeddings, "ref")
    if ref_embeddings.shape[-1] != y_pred.shape[-1]:
        raise ShapeError(f"{loss}: y_pred and ref_embeddings must have the same embedding size. Received: "
                         f"y_pred.shape={tuple(y_pred.shape)}, ref_embeddings.shape={tuple(ref_embeddings.shape)}.")

    module = xp()
    positive = labels[:, None] == ref_labels[None, :]
    negative = ~positive
    if remove_diagonal:
        positive = positive & ~module.eye(positive.shape[0], positive.shape[1], dtype=bool)
    distances = ops.maximum(1.0 - ops.matmul(y_pred, ops.transpose(ref_embeddings)), 0.0)
    positive_weights = ops.maximum((margin + distances) * positive, 0.0)
    negative_weights = ops.maximum((1.0 + margin - distances) * negative, 0.0)
    positive_logits = -gamma * positive_weights * (margin - distances)
    negative_logits = gamma * negative_weights * (1.0 - margin - distances)
    # Keras masks the other pairs with -inf; a large finite value gives the same sums without log(0) warnings
    # or NaN gradients, and rows without a positive or a negative pair are set to 0 below (softplus(-inf)).
    lowest = -0.25 * float(module.finfo(y_pred.dtype).max)
    p_loss = ops.logsumexp(ops.where(positive, positive_logits, lowest), axis=1)
    n_loss = ops.logsumexp(ops.where(negative, negative_logits, lowest), axis=1)
    scored = positive.any(axis=1) & negative.any(axis=1)
    return ops.where(scored, ops.softplus(p_loss + n_loss), 0.0)
