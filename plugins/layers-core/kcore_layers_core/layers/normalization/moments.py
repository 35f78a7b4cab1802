"""Normalising by statistics of the inputs themselves, fused into one op with its gradient.

BatchNormalization (in training) and LayerNormalization both compute `(x - mean) / sqrt(var + epsilon) * gamma
+ beta` with the mean and variance of `x` over some axes. Written as a chain of ops, the tape would keep a
full-size temporary per step and the backward would reduce the same products several times; fused, the
forward keeps one temporary (the normalised `x`) and the backward is the closed form below, with its two
reductions shared by the three gradients when gamma is per feature (BatchNormalization).
"""

import math

from kcore import backend
from kcore.autodiff import Node
from kcore.ops import op, unbroadcast


def _sum(xp, a, axes):
    """`a` summed over `axes`, kept as size-1 axes. Leading axes of a contiguous array (BatchNormalization over
    channels-last data) are summed as the rows of a 2-D view, which NumPy does about twice as fast."""
    if axes == tuple(range(len(axes))) and a.flags.c_contiguous:
        rows = math.prod(a.shape[:len(axes)])
        return a.reshape(rows, -1).sum(axis=0).reshape((1,) * len(axes) + a.shape[len(axes):])
    return xp.sum(a, axis=axes, keepdims=True)


def moments(x, axes):
    """The mean and the (biased) variance of `x` over `axes`, kept as size-1 axes; plain arrays, never recorded
    on a tape."""
    xp = backend.get().xp
    x = x.value if isinstance(x, Node) else x
    count = math.prod(x.shape[a] for a in axes)
    mean = _sum(xp, x, axes) / count
    centered = x - mean
    centered *= centered
    return mean, _sum(xp, centered, axes) / count


@op(inputs=3, name="normalize_by_moments")
def normalize(xp, x, gamma, beta, mean, variance, axes, epsilon, param_shape):
    """`(x - mean) / sqrt(variance + epsilon) * gamma + beta`, where `mean` and `variance` MUST be the moments of
    `x` over `axes` (from `moments`): the gradient for `x` accounts for their dependence on `x`.

    `gamma` and `beta` (either may be None) are reshaped to `param_shape`, which broadcasts against `x`. With
    x_hat the normalised x, n entries per reduction, and means over `axes`:
        dx = (dy - mean(dy) - x_hat * mean(dy * x_hat)) / sqrt(variance + epsilon),  dy = g * gamma
        dgamma = sum(g * x_hat), dbeta = sum(g), over the axes along which gamma and beta are broadcast.
    When gamma is constant along `axes`, mean(dy) = gamma * mean(g) and mean(dy * x_hat) = gamma * mean(g * x_hat),
    and those two sums are dbeta and dgamma: one pair of reductions serves all three gradients.
    """
    inv = 1.0 / xp.sqrt(variance + epsilon)
    x_hat = x - mean
    x_hat *= inv
    gamma_b = gamma.reshape(param_shape) if gamma is not None else None
    out = x_hat * gamma_b if gamma is not None else x_hat.copy()
    if beta is not None:
        out += beta.reshape(param_shape)
    count = math.prod(x.shape[a] for a in axes)
    per_feature = all(param_shape[a] == 1 for a in axes)  # gamma varies only along the axes that are kept
    shared = {}

    def sums(g):
        """sum(g) and sum(g * x_hat) over `axes`, computed once for the cotangent all three VJPs receive."""
        if shared.get("g") is not g:
            shared.update(g=g, g_sum=_sum(xp, g, axes), gx_sum=_sum(xp, g * x_hat, axes))
        return shared["g_sum"], shared["gx_sum"]

    def d_x(g):
        if per_feature:
            g_sum, gx_sum = sums(g)
            dx = x_hat * (gx_sum / count)
            dx += g_sum / count
            dx -= g
            dx *= -(inv * gamma_b) if gamma is not None else -inv
            return dx
        dy = g * gamma_b if gamma is not None else g.copy()
        projection = _sum(xp, dy * x_hat, axes) / count
        dy -= _sum(xp, dy, axes) / count
        dy -= x_hat * projection
        dy *= inv
        return dy

    def d_gamma(g):
        product = sums(g)[1] if per_feature else g * x_hat
        return unbroadcast(product, param_shape).reshape(gamma.shape)

    def d_beta(g):
        return unbroadcast(sums(g)[0] if per_feature else g, param_shape).reshape(beta.shape)

    return out, (d_x, d_gamma, d_beta)
