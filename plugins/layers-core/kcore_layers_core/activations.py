"""Activation functions with Keras 3's names, arguments and defaults (registry kind "activation").

Each takes an array (or a Tensor under a tape) and returns one of the same shape, computed with `kcore.ops`, so
gradients and every backend come for free. Layers take them by name: `Dense(4, activation="relu")`.

Example:
    >>> relu(np.array([-1.0, 2.0], "float32"), max_value=1.0)
    array([0., 1.], dtype=float32)
"""

import warnings

from kcore import ops


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0), generalised as Keras's: `max_value` caps the output, values below `threshold` become
    `negative_slope * (x - threshold)`."""
    if max_value is None and threshold == 0:
        return ops.relu(x) if negative_slope == 0 else ops.leaky_relu(x, negative_slope=negative_slope)
    if threshold == 0 and max_value == 6 and negative_slope == 0:
        return ops.relu6(x)
    above = ops.greater(x, threshold)
    positive = ops.where(above, x, 0.0)
    if max_value is not None:
        positive = ops.clip(positive, 0.0, float(max_value))
    if negative_slope == 0:
        return positive
    return ops.add(positive, ops.where(above, 0.0, ops.multiply(ops.subtract(x, threshold), negative_slope)))


def relu6(x):
    """min(max(x, 0), 6)."""
    return ops.relu6(x)


def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, else `negative_slope * x`."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


def elu(x, alpha=1.0):
    """x for x > 0, else `alpha * (exp(x) - 1)`."""
    return ops.elu(x, alpha=alpha)


def selu(x):
    """Scaled ELU with the self-normalising constants (alpha ~ 1.6733, scale ~ 1.0507)."""
    return ops.selu(x)


def gelu(x, approximate=False):
    """x * Phi(x), exact by default as Keras 3's activation (the op defaults to the tanh approximation)."""
    return ops.gelu(x, approximate=approximate)


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return ops.sigmoid(x)


def hard_sigmoid(x):
    """relu6(x + 3) / 6: a piecewise-linear sigmoid."""
    return ops.hard_sigmoid(x)


def hard_silu(x):
    """x * hard_sigmoid(x)."""
    return ops.hard_silu(x)


hard_swish = hard_silu


def tanh(x):
    return ops.tanh(x)


def softplus(x):
    """log(1 + exp(x))."""
    return ops.softplus(x)


def softsign(x):
    """x / (1 + |x|)."""
    return ops.softsign(x)


def silu(x):
    """x * sigmoid(x), also called swish."""
    return ops.silu(x)


swish = silu


def mish(x):
    """x * tanh(softplus(x))."""
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def log_sigmoid(x):
    """log(sigmoid(x)), without overflow."""
    return ops.log_sigmoid(x)


def _warn_single_class(x, axis):
    if isinstance(axis, int) and len(getattr(x, "shape", ())) and x.shape[axis] == 1:
        warnings.warn(f"softmax over axis {axis} of an input of shape {tuple(x.shape)}: that axis has size 1, so "
                      f"the output is always 1. Use sigmoid for a single unit.", stacklevel=3)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis`."""
    _warn_single_class(x, axis)
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed without forming the softmax."""
    _warn_single_class(x, axis)
    return ops.log_softmax(x, axis=axis)


def exponential(x):
    return ops.exp(x)


def linear(x):
    """The identity: what `activation=None` means."""
    return x


#: registered name -> function (aliases share the function, so a config saves its canonical name)
ACTIVATIONS = {fn.__name__: fn for fn in (
    relu, relu6, leaky_relu, elu, selu, gelu, sigmoid, hard_sigmoid, hard_silu, tanh, softplus, softsign, silu,
    mish, log_sigmoid, softmax, log_softmax, exponential, linear)}
ACTIVATIONS.update(hard_swish=hard_silu, swish=silu)
