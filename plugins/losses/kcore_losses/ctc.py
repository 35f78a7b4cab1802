"""Connectionist temporal classification (Graves et al., 2006), as Keras 3's `ctc` loss computes it: the negative
log-probability of a label sequence summed over every alignment of it to the `time` steps of `y_pred`.

`y_true` is `(batch, max_label_length)` integer labels in `[1, num_classes)`, padded at the end with 0: class 0 is
the blank and each sample's label length is its number of non-zero labels. `y_pred` is `(batch, time,
num_classes)` logits (the op applies log-softmax: leave the softmax out of the model), and every sample uses all
`time` steps, as Keras's loss does.

The forward value is the alpha recursion in log space over the extended label sequence (a blank before, between
and after the labels), vectorised over the batch; its gradient with respect to the logits is the forward-backward
(alpha-beta) one, `softmax - occupancy`, written beside it.

Example:
    >>> logits = [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]  # uniform over {blank, 1, 2} at both steps
    >>> ctc([[1, 0]], logits)                          # alignments "1 1", "1 -", "- 1": 3 of 9
    array([1.0986123], dtype=float32)
"""

import warnings

from kcore import ops
from kcore.errors import OpIndexError, ShapeError
from kcore.ops.op import op
from kcore_losses.inputs import as_float, plain

#: log of an impossible transition: finite, so that no `inf - inf` ever makes a NaN; exp() of it is exactly 0.
_NO_PATH = -1e30
#: log-weight of a path that starts at a later state than the first blank or label. Keras's NumPy and JAX
#: backends use the same -1e5 (their `log_epsilon`): a label sequence that cannot fit in `time` steps (too long,
#: or repeats that need blanks between them) gets a large finite loss, about 1e5, instead of inf, and a finite
#: gradient; for sequences that fit, the paths it adds weigh exp(-1e5), exactly 0 in float32 and float64.
_LOG_EPSILON = -1e5


def _logsumexp3(xp, a, b, c):
    top = xp.maximum(xp.maximum(a, b), c)  # finite: every argument is
    return top + xp.log(xp.exp(a - top) + xp.exp(b - top) + xp.exp(c - top))


def _shift(xp, x, by, fill):
    """`x` moved `by` places right (positive) or left (negative) along its last axis, filled with `fill`."""
    pad = xp.full((*x.shape[:-1], abs(by)), fill, dtype=x.dtype)
    return xp.concatenate([pad, x[..., :-by]] if by > 0 else [x[..., -by:], pad], axis=-1)


@op(inputs=2, name="ctc")
def _ctc_from_logits(xp, labels, logits):
    """Per-sample CTC loss of checked `labels` (batch, N) given `logits` (batch, T, K); class 0 is the blank."""
    batch, steps, _ = logits.shape
    dtype = xp.result_type(logits.dtype, xp.float32)  # float16 would lose the recursion: compute it in float32
    x = logits.astype(dtype, copy=False)
    shifted = x - xp.max(x, axis=-1, keepdims=True)
    exp = xp.exp(shifted)
    total = xp.sum(exp, axis=-1, keepdims=True)
    log_p = shifted - xp.log(total)

    lengths = xp.sum(labels != 0, axis=-1)
    states = 2 * labels.shape[1] + 1
    extended = xp.zeros((batch, states), dtype=labels.dtype)  # blank, l1, blank, l2, ..., blank
    extended[:, 1::2] = labels
    skip = xp.zeros((batch, states), dtype=bool)  # may a path jump over the blank into this label?
    skip[:, 3::2] = labels[:, 1:] != labels[:, :-1]  # not between repeats: "a a" needs "a - a"
    emit = log_p[xp.arange(batch)[:, None, None], xp.arange(steps)[None, :, None], extended[:, None, :]]
    emit = xp.moveaxis(emit, 1, 0)  # (T, batch, states): each state's log-probability at each step

    alpha = xp.empty((steps, batch, states), dtype=dtype)
    start = xp.full((batch, states), _LOG_EPSILON, dtype=dtype)
    start[:, :2] = 0.0  # a path starts on the first blank or the first label
    alpha[0] = start + emit[0]
    for t in range(1, steps):
        prev = alpha[t - 1]
        jump = xp.where(skip, _shift(xp, prev, 2, _NO_PATH), _NO_PATH)
        alpha[t] = _logsumexp3(xp, prev, _shift(xp, prev, 1, _NO_PATH), jump) + emit[t]

    # a path ends on the last label or the blank after it (only the blank for an empty label sequence)
    rows = xp.arange(batch)
    final = xp.full((batch, states), _NO_PATH, dtype=dtype)
    final[rows, 2 * lengths] = 0.0
    final[rows[lengths > 0], 2 * lengths[lengths > 0] - 1] = 0.0
    ends = alpha[-1] + final
    top = xp.max(ends, axis=-1)
    log_likelihood = top + xp.log(xp.sum(xp.exp(ends - top[:, None]), axis=-1))
    loss = -log_likelihood

    def d_logits(g):
        # beta[t, s]: log-probability of the rest of the labels after being in state s at step t (emission at t
        # excluded); the mirror image of the alpha recursion
        beta = xp.empty_like(alpha)
        beta[-1] = final
        jump_from = _shift(xp, skip, -2, False)  # may state s jump to s + 2?
        for t in range(steps - 2, -1, -1):
            after = beta[t + 1] + emit[t + 1]
            jump = xp.where(jump_from, _shift(xp, after, -2, _NO_PATH), _NO_PATH)
            beta[t] = _logsumexp3(xp, after, _shift(xp, after, -1, _NO_PATH), jump)
        # occupancy[b, t, k]: the posterior probability that step t emits class k
        posterior = xp.exp(alpha + beta - log_likelihood[None, :, None])  # (T, batch, states)
        one_hot = (extended[:, :, None] == xp.arange(logits.shape[-1])[None, None, :]).astype(dtype)
        occupancy = xp.matmul(xp.moveaxis(posterior, 0, 1), one_hot)  # (batch, T, K)
        grad = exp / total - occupancy  # every path emits once per step, so occupancy sums to 1 over k
        return (grad * g.astype(dtype, copy=False)[:, None, None]).astype(logits.dtype, copy=False)

    return loss.astype(logits.dtype, copy=False), (None, d_logits)


def _checked_labels(y_true, y_pred):
    labels = plain(y_true)
    if labels.ndim != 2:
        raise ShapeError(f"ctc: y_true must be integer labels of shape (batch_size, max_label_length), padded with "
                         f"0 at the end. Received: y_true.shape={tuple(labels.shape)}")
    if y_pred.ndim != 3:
        raise ShapeError(f"ctc: y_pred must be logits of shape (batch_size, time, num_classes). Received: "
                         f"y_pred.shape={tuple(y_pred.shape)}")
    if y_pred.shape[1] == 0:
        raise ShapeError(f"ctc: y_pred must have at least one time step. Received: y_pred.shape={tuple(y_pred.shape)}")
    if labels.shape[0] != y_pred.shape[0]:
        raise ShapeError(f"ctc: y_true and y_pred must have the same batch size. Received: "
                         f"y_true.shape={tuple(labels.shape)}, y_pred.shape={tuple(y_pred.shape)}")
    if labels.dtype.kind not in "iu":
        labels = labels.astype("int32")  # labels given as floats, as Keras allows
    classes = y_pred.shape[-1]
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= classes):
        raise OpIndexError(f"ctc: labels must be in [1, {classes}) for y_pred with {classes} classes (0 is the "
                           f"blank and the padding); received labels in [{int(labels.min())}, {int(labels.max())}]. "
                           f"Check the labels, or that the last layer has one unit per class plus one for the blank.")
    if labels.shape[1] > 1:
        # a 0 followed by a label: Keras takes the first `length` labels, blank included, and scores that
        # sequence; so does kcore (Keras's own example does this), with a warning
        inner = (labels[:, :-1] == 0) & (labels[:, 1:] != 0)
        if bool(inner.any()):
            sample = int(inner.any(axis=-1).argmax())
            warnings.warn(f"ctc: 0 is the blank and should only pad the end of a label sequence; sample {sample} has "
                          f"a 0 before a label: {labels[sample].tolist()}. As in Keras, its first "
                          f"{int((labels[sample] != 0).sum())} entries are scored. Move the padding to the end.",
                          stacklevel=3)
    return labels


def ctc(y_true, y_pred):
    """CTC loss per sample: `-log p(y_true | y_pred)` summed over all alignments of the labels to the steps.

    Args:
        y_true: `(batch_size, max_label_length)` integer labels in `[1, num_classes)`, padded at the end with 0
            (the blank).
        y_pred: `(batch_size, time, num_classes)` logits, not softmax probabilities.

    A sequence that cannot fit in `time` steps (each repeat needs a blank between its two labels) gets a large
    finite loss (about 1e5), as in Keras.
    """
    y_pred = as_float(y_pred)
    labels = _checked_labels(y_true, y_pred)
    return _ctc_from_logits(ops.convert_to_tensor(labels), y_pred)
