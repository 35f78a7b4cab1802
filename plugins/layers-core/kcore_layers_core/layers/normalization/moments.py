"""Normalising by statistics of the inputs themselves, fused into one op with its gradient.

BatchNormalization (in training) and LayerNormalization both compute `(x - mean) / sqrt(var + epsilon) * gamma
+ beta` with the mean and variance of `x` over some axes. Written as a chain of ops, the tape would keep a
full-size temporary per step; fused, the forward keeps one (the normalised `x`), and the backward is the
closed form below.
"""

from kcore import backend
from kcore.autodiff import Node
from kcore.ops import op, unbroadcast


def moments(x, axes):
    """The mean and the (biased) variance of `x` over `axes`, kept as size-1 axes; never recorded on a tape."""
    xp = backend.get().xp
    x = x.value if isinstance(x, Node) else x
    mean = xp.mean(x, axis=axes, keepdims=True)
    centered = x - mean
    centered *= centered
    return mean, xp.mean(centered, axis=axes, keepdims=True)


@op(inputs=3, name="normalize_by_moments")
def normalize(xp, x, gamma, beta, mean, variance, axes, epsilon, param_shape):
    """`(x - mean) / sqrt(variance + epsilon) * gamma + beta`, where `mean` and `variance` MUST be the moments of
    `x` over `axes` (from `moments`): the gradient for `x` accounts for their dependence on `x`.

    `gamma` and `beta` (either may be None) are reshaped to `param_shape`, which broadcasts against `x`.
    With n entries per reduction, x_hat the normalised x and dy = g * gamma:
        dx = (dy - mean(dy) - x_hat * mean(dy * x_hat)) / sqrt(variance + epsilon)
        dgamma = sum(g * x_hat), dbeta = sum(g), over the axes gamma and beta are broadcast along.
    """
    inv = 1.0 / xp.sqrt(variance + epsilon)
    x_hat = x - mean
    x_hat *= inv
    out = x_hat * gamma.reshape(param_shape) if gamma is not None else x_hat.copy()
    if beta is not None:
        out += beta.reshape(param_shape)

    def d_x(g):
        dy = g * gamma.reshape(param_shape) if gamma is not None else g.copy()
        projection = xp.mean(dy * x_hat, axis=axes, keepdims=True)
        dy -= xp.mean(dy, axis=axes, keepdims=True)
        dy -= x_hat * projection
        dy *= inv
        return dy

    def d_gamma(g):
        return unbroadcast(g * x_hat, param_shape).reshape(gamma.shape)

    def d_beta(g):
        return unbroadcast(g, param_shape).reshape(beta.shape)

    return out, (d_x, d_gamma, d_beta)
