"""Activations, softmax and the fused cross-entropy losses (Keras 3 `keras.ops` names, arguments and defaults).

Every activation is written so that no branch can overflow: for inputs of magnitude 1e4 in float32 they give
finite values and gradients, without warnings. Constants are Python floats, so float32 stays float32.
"""

import math

from kcore import config
from kcore.errors import OpIndexError, ShapeError
from kcore.ops.op import is_float, op

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_GELU_C = math.sqrt(2 / math.pi)  # the tanh approximation: tanh(C * (x + A * x^3))
_GELU_A = 0.044715
_INV_SQRT2 = 1 / math.sqrt(2)
_INV_SQRT2PI = 1 / math.sqrt(2 * math.pi)


def _float(xp, x):
    """`x` itself when it is a float array, else `x` in floatx (exp of an int32 array would give float64)."""
    return x if is_float(x) else xp.asarray(x).astype(config.floatx())


def _stable_sigmoid(xp, x):
    """sigmoid(x) with full relative precision in both tails; exp only ever sees -|x|, so it cannot overflow.
    Returns the sigmoid and exp(-|x|)."""
    e = xp.exp(-xp.absolute(x))
    return xp.where(x >= 0, 1.0, e) / (1 + e), e


def _erfc_nonnegative(xp, z):
    """erfc(z) for z >= 0, with a fractional error below 1.2e-7 everywhere (Numerical Recipes' erfcc, a Chebyshev
    fit). The relative accuracy in the tail is what the exact gelu needs for negative inputs, where 1 + erf(z)
    would cancel."""
    t = 1 / (1 + 0.5 * z)
    poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    return t * xp.exp(poly - z * z)  # exp of a large negative number underflows to 0 silently


# -- activations ------------------------------------------------------------------------------------------


@op
def relu(xp, x):
    return xp.maximum(x, 0), (lambda g: g * (x > 0),)


@op
def relu6(xp, x):
    return xp.clip(x, 0, 6), (lambda g: g * ((x > 0) & (x < 6)),)


@op
def leaky_relu(xp, x, negative_slope=0.2):
    positive = x >= 0
    return xp.where(positive, x, x * negative_slope), (lambda g: xp.where(positive, g, g * negative_slope),)


@op
def elu(xp, x, alpha=1.0):
    """x for x > 0, else alpha * (exp(x) - 1): expm1 of min(x, 0), so that the unused branch cannot overflow."""
    x = _float(xp, x)
    positive = x > 0
    out = xp.where(positive, x, alpha * xp.expm1(xp.minimum(x, 0)))
    return out, (lambda g: xp.where(positive, g, g * (out + alpha)),)  # alpha * exp(x) = out + alpha


@op
def selu(xp, x):
    """scale * elu(x, alpha) with the self-normalising constants."""
    x = _float(xp, x)
    positive = x > 0
    out = xp.where(positive, _SELU_SCALE * x, (_SELU_SCALE * _SELU_ALPHA) * xp.expm1(xp.minimum(x, 0)))
    return out, (lambda g: g * xp.where(positive, _SELU_SCALE, out + _SELU_SCALE * _SELU_ALPHA),)


@op
def gelu(xp, x, approximate=True):
    """Gaussian error linear unit: x * Phi(x), or its tanh approximation (the default, as in Keras)."""
    x = _float(xp, x)
    if approximate:
        # x + 0.044715 x^3 as x * (1 + 0.044715 x^2): overflows only past |x| ~ 1e19 in float32
        square = x * x
        t = xp.tanh(_GELU_C * x * (1 + _GELU_A * square))
        half = 0.5 * (1 + t)

        def vjp(g):
            return g * (half + (0.5 * _GELU_C) * x * (1 - t * t) * (1 + (3 * _GELU_A) * square))

        return x * half, (vjp,)
    # Phi(x) = erfc(-x / sqrt2) / 2, from erfc of |x| / sqrt2 so that neither tail cancels
    tail = 0.5 * _erfc_nonnegative(xp, xp.absolute(x) * _INV_SQRT2)
    cdf = xp.where(x >= 0, 1 - tail, tail)
    return x * cdf, (lambda g: g * (cdf + x * (_INV_SQRT2PI * xp.exp(-0.5 * (x * x)))),)


@op
def sigmoid(xp, x):
    out, _ = _stable_sigmoid(xp, _float(xp, x))
    return out, (lambda g: g * out * (1 - out),)


@op
def hard_sigmoid(xp, x):
    """relu6(x + 3) / 6, as Keras 3 defines it."""
    x = _float(xp, x)
    # the gradient multiplies g by the mask before dividing: a bool array / 6 would be float64
    return xp.clip((x + 3) / 6, 0, 1), (lambda g: g * ((x > -3) & (x < 3)) / 6,)


@op
def hard_silu(xp, x):
    """x * hard_sigmoid(x)."""
    x = _float(xp, x)
    gate = xp.clip((x + 3) / 6, 0, 1)
    return x * gate, (lambda g: g * (gate + x * ((x > -3) & (x < 3)) / 6),)


hard_swish = hard_silu


@op
def tanh(xp, x):
    out = xp.tanh(_float(xp, x))
    return out, (lambda g: g * (1 - out * out),)


@op
def softplus(xp, x):
    """log(1 + exp(x)) as logaddexp(0, x), which never overflows."""
    x = _float(xp, x)
    return xp.logaddexp(0, x), (lambda g: g * _stable_sigmoid(xp, x)[0],)


@op
def softsign(xp, x):
    x = _float(xp, x)
    denominator = 1 + xp.absolute(x)
    return x / denominator, (lambda g: g / (denominator * denominator),)


@op
def silu(xp, x):
    """x * sigmoid(x)."""
    x = _float(xp, x)
    s, _ = _stable_sigmoid(xp, x)
    return x * s, (lambda g: g * s * (1 + x * (1 - s)),)


swish = silu


@op
def log_sigmoid(xp, x):
    """-softplus(-x), computed as -logaddexp(0, -x)."""
    x = _float(xp, x)
    return -xp.logaddexp(0, -x), (lambda g: g * _stable_sigmoid(xp, -x)[0],)


@op
def softmax(xp, x, axis=-1):
    x = _float(xp, x)
    out = x - xp.max(x, axis=axis, keepdims=True)  # the one full-size allocation; the rest is in place
    out = xp.exp(out, out=out) if out.ndim else xp.exp(out)  # (NumPy gives a scalar, not an array, for 0-d)
    out /= xp.sum(out, axis=axis, keepdims=True)

    def vjp(g):
        weighted = g * out
        weighted -= out * xp.sum(weighted, axis=axis, keepdims=True)
        return weighted

    return out, (vjp,)


@op
def log_softmax(xp, x, axis=-1):
    x = _float(xp, x)
    out = x - xp.max(x, axis=axis, keepdims=True)
    out -= xp.log(xp.sum(xp.exp(out), axis=axis, keepdims=True))
    return out, (lambda g: g - xp.exp(out) * xp.sum(g, axis=axis, keepdims=True),)


# -- fused losses: per-sample values, reduced over the class axis only ------------------------------------


def _same_shape(name, target, output):
    if target.shape != output.shape:
        raise ShapeError(f"ops.{name}: `target` and `output` must have the same shape. Received: "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")


def _class_axis(name, output, axis):
    if output.ndim < 1:
        raise ShapeError(f"ops.{name}: `output` must have at least one dimension (the classes). Received: "
                         f"output.shape={tuple(output.shape)}")
    if not isinstance(axis, int) or not -output.ndim <= axis < output.ndim:
        raise ShapeError(f"ops.{name}: `axis` must be an int in [{-output.ndim}, {output.ndim}) for an output "
                         f"of shape {tuple(output.shape)}. Received: axis={axis!r}")
    return axis % output.ndim


def _as_target(target, output):
    """Integer or boolean targets in the output's dtype (their gradient is never wanted); float ones as given."""
    return target if target.dtype.kind == "f" else target.astype(output.dtype)


@op(inputs=2)
def categorical_crossentropy(xp, target, output, from_logits=False, axis=-1):
    """-sum(target * log(p), axis), with p = softmax(output) for logits, else output renormalised to sum to 1
    over `axis` and clipped to [epsilon, 1 - epsilon] (as Keras does)."""
    output, target = _float(xp, output), xp.asarray(target)
    _same_shape("categorical_crossentropy", target, output)
    axis = _class_axis("categorical_crossentropy", output, axis)
    float_target = target.dtype.kind == "f"
    target = _as_target(target, output)

    if from_logits:
        log_p = output - xp.max(output, axis=axis, keepdims=True)
        e = xp.exp(log_p)
        total = xp.sum(e, axis=axis, keepdims=True)
        log_p -= xp.log(total)
        loss = -xp.sum(target * log_p, axis=axis)

        def d_output(g):  # (softmax * sum(target) - target) * g
            g = xp.expand_dims(g, axis)
            grad = e * (g * xp.sum(target, axis=axis, keepdims=True) / total)
            grad -= target * g
            return grad

        return loss, ((lambda g: -log_p * xp.expand_dims(g, axis)) if float_target else None, d_output)

    eps = config.epsilon()
    total = xp.sum(output, axis=axis, keepdims=True)
    p = output / total
    xp.clip(p, eps, 1 - eps, out=p)  # p is ours: clip in place
    log_p = xp.log(p)
    loss = -xp.sum(target * log_p, axis=axis)

    def d_prob_output(g):
        # w = g * dL/dp where p was not clipped (0 where it was); through p = output / total,
        # dL/doutput = (w - sum(w * p)) / total, and sum(w * p) may use the clipped p since w is 0 there.
        w = target * ((p > eps) & (p < 1 - eps))
        w /= p
        w *= xp.expand_dims(-g, axis)
        w -= xp.sum(w * p, axis=axis, keepdims=True)
        w /= total
        return w

    return loss, ((lambda g: -log_p * xp.expand_dims(g, axis)) if float_target else None, d_prob_output)


def _label_index(xp, labels):
    """The advanced index that picks, for each position of `labels`, its class along the last axis of an array
    whose other axes match `labels` (open grids, no full-size temporary)."""
    grids = tuple(xp.arange(n).reshape((1,) * i + (n,) + (1,) * (labels.ndim - i - 1))
                  for i, n in enumerate(labels.shape))
    return (*grids, labels)


def _sparse_labels(name, target, output, axis):
    """Integer labels of the shape of `output` without `axis`, checked to lie in [0, classes)."""
    if target.ndim == output.ndim and target.ndim and target.shape[-1] == 1:  # Keras accepts (..., 1) labels
        target = target.reshape(target.shape[:-1])
    expected = output.shape[:axis] + output.shape[axis + 1:]
    if tuple(target.shape) != tuple(expected):
        raise ShapeError(f"ops.{name}: `target` must have the shape of `output` without its class axis {axis}, "
                         f"{tuple(expected)}. Received: target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")
    if target.dtype.kind not in "iu":
        target = target.astype("int32")  # labels given as floats or booleans, as Keras allows
    classes = output.shape[axis]
    if target.size:
        low, high = int(target.min()), int(target.max())
        if low < 0 or high >= classes:
            raise OpIndexError(f"ops.{name}: labels must be in [0, {classes}) for an output with {classes} classes "
                               f"along axis {axis}; received labels in [{low}, {high}] (max label {high}). Check "
                               f"the labels, or that the last layer has one unit per class.")
    return target


@op(inputs=2)
def sparse_categorical_crossentropy(xp, target, output, from_logits=False, axis=-1):
    """categorical_crossentropy with integer class labels; the gradient flows to `output` only. From logits it
    is logsumexp(output) - output[label], with gradient softmax(output) - one_hot(label), never forming
    log(softmax) over all classes."""
    name = "sparse_categorical_crossentropy"
    output, target = _float(xp, output), xp.asarray(target)
    axis = _class_axis(name, output, axis)
    labels = _sparse_labels(name, target, output, axis)
    index = _label_index(xp, labels)

    if from_logits:
        e = output - xp.max(output, axis=axis, keepdims=True)
        picked = xp.moveaxis(e, axis, -1)[index]  # output[label] - max
        xp.exp(e, out=e)
        total = xp.sum(e, axis=axis)
        loss = xp.log(total) - picked

        def d_output(g):
            grad = e * xp.expand_dims(g / total, axis)  # softmax * g
            xp.moveaxis(grad, axis, -1)[index] -= g  # - one_hot * g; one label per position, so no collisions
            return grad

        return loss, (None, d_output)

    eps = config.epsilon()
    total = xp.sum(output, axis=axis)
    p = xp.moveaxis(output, axis, -1)[index] / total  # the label's probability after renormalising
    clipped = xp.clip(p, eps, 1 - eps)
    loss = -xp.log(clipped)

    def d_prob_output(g):
        # L = -log(clip(o_l / total)): dL/do_j = coef * (one_hot_j - p), coef = -g / (clipped * total) unclipped
        coef = -g * ((p > eps) & (p < 1 - eps)) / (clipped * total)
        grad = xp.empty_like(output)
        grad[...] = xp.expand_dims(-coef * p, axis)
        xp.moveaxis(grad, axis, -1)[index] += coef
        return grad

    return loss, (None, d_prob_output)


@op(inputs=2)
def binary_crossentropy(xp, target, output, from_logits=False):
    """Elementwise -(target * log(p) + (1 - target) * log(1 - p)), as Keras' op (no reduction). From logits it is
    max(x, 0) - x * target + log1p(exp(-|x|)), which never overflows; else p = clip(output, eps, 1 - eps)."""
    output, target = _float(xp, output), xp.asarray(target)
    _same_shape("binary_crossentropy", target, output)
    float_target = target.dtype.kind == "f"
    target = _as_target(target, output)

    if from_logits:
        e = xp.exp(-xp.absolute(output))
        loss = xp.log1p(e) + xp.maximum(output, 0) - output * target

        def d_output(g):
            return g * (xp.where(output >= 0, 1.0, e) / (1 + e) - target)  # g * (sigmoid(x) - target)

        return loss, ((lambda g: -g * output) if float_target else None, d_output)

    eps = config.epsilon()
    p = xp.clip(output, eps, 1 - eps)
    log_p, log_q = xp.log(p), xp.log1p(-p)
    loss = -(target * log_p + (1 - target) * log_q)

    def d_prob_output(g):
        return g * ((output >= eps) & (output <= 1 - eps)) * (p - target) / (p * (1 - p))

    return loss, ((lambda g: g * (log_q - log_p)) if float_target else None, d_prob_output)
