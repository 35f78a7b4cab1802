"""Reductions and cumulative ops (Keras names and arguments: `axis=None`, `keepdims=False`)."""

from kcore.ops.op import normalize_axis, op


def _spread(xp, g, x, axis, keepdims):
    """Broadcast the gradient of a reduction back over the reduced axes of `x`."""
    if not keepdims and axis is not None:
        g = xp.expand_dims(g, normalize_axis(axis, x.ndim))
    return xp.broadcast_to(g, x.shape)


def _count(x, axis):
    n = 1
    for a in normalize_axis(axis, x.ndim):
        n *= x.shape[a]
    return n


@op
def sum(xp, x, axis=None, keepdims=False):
    return xp.sum(x, axis=axis, keepdims=keepdims), (lambda g: _spread(xp, g, x, axis, keepdims),)


@op
def mean(xp, x, axis=None, keepdims=False):
    out = xp.mean(x, axis=axis, keepdims=keepdims)
    return out, (lambda g: _spread(xp, g / _count(x, axis), x, axis, keepdims),)


def _extremum_vjp(xp, x, out, axis, keepdims):
    def vjp(g):
        kept = out if keepdims or axis is None else xp.expand_dims(out, normalize_axis(axis, x.ndim))
        hits = (x == kept).astype(x.dtype)  # ties share the gradient equally
        share = hits / hits.sum(axis=axis, keepdims=True)
        return share * _spread(xp, g, x, axis, keepdims)

    return vjp


@op
def max(xp, x, axis=None, keepdims=False):
    out = xp.max(x, axis=axis, keepdims=keepdims)
    return out, (_extremum_vjp(xp, x, out, axis, keepdims),)


@op
def min(xp, x, axis=None, keepdims=False):
    out = xp.min(x, axis=axis, keepdims=keepdims)
    return out, (_extremum_vjp(xp, x, out, axis, keepdims),)


amax, amin = max, min


@op
def prod(xp, x, axis=None, keepdims=False):
    out = xp.prod(x, axis=axis, keepdims=keepdims)
    return out, (lambda g: _spread(xp, g * out, x, axis, keepdims) / x,)


@op
def var(xp, x, axis=None, keepdims=False):
    mu = xp.mean(x, axis=axis, keepdims=True)
    out = xp.mean(xp.square(x - mu), axis=axis, keepdims=keepdims)
    return out, (lambda g: _spread(xp, g, x, axis, keepdims) * (2 / _count(x, axis)) * (x - mu),)


@op
def std(xp, x, axis=None, keepdims=False):
    mu = xp.mean(x, axis=axis, keepdims=True)
    out = xp.sqrt(xp.mean(xp.square(x - mu), axis=axis, keepdims=keepdims))
    return out, (lambda g: _spread(xp, g / out, x, axis, keepdims) * (x - mu) / _count(x, axis),)


@op
def logsumexp(xp, x, axis=None, keepdims=False):
    """`log(sum(exp(x)))`, computed after subtracting the maximum so that it never overflows."""
    peak = xp.max(x, axis=axis, keepdims=True)
    peak = xp.where(xp.isfinite(peak), peak, 0)
    kept = xp.log(xp.sum(xp.exp(x - peak), axis=axis, keepdims=True)) + peak
    out = kept if keepdims else xp.squeeze(kept, axis=normalize_axis(axis, x.ndim))
    return out, (lambda g: _spread(xp, g, x, axis, keepdims) * xp.exp(x - kept),)


@op
def cumsum(xp, x, axis=None):
    if axis is None:
        flat = x.reshape(-1)
        return xp.cumsum(flat), (lambda g: xp.flip(xp.cumsum(xp.flip(g))).reshape(x.shape),)
    return xp.cumsum(x, axis=axis), (lambda g: xp.flip(xp.cumsum(xp.flip(g, axis), axis=axis), axis),)


@op
def cumprod(xp, x, axis=None):
    source = x.reshape(-1) if axis is None else x
    along = 0 if axis is None else axis
    out = xp.cumprod(source, axis=along)

    def vjp(g):  # d out_j / d x_i = out_j / x_i for j >= i (x without zeros)
        total = xp.flip(xp.cumsum(xp.flip(g * out, along), axis=along), along)
        return (total / source).reshape(x.shape)

    return out, (vjp,)


@op(differentiable=False)
def argmax(xp, x, axis=None, keepdims=False):
    return xp.argmax(x, axis=axis, keepdims=keepdims)


@op(differentiable=False)
def argmin(xp, x, axis=None, keepdims=False):
    return xp.argmin(x, axis=axis, keepdims=keepdims)


@op(differentiable=False)
def any(xp, x, axis=None, keepdims=False):
    return xp.any(x, axis=axis, keepdims=keepdims)


@op(differentiable=False)
def all(xp, x, axis=None, keepdims=False):
    return xp.all(x, axis=axis, keepdims=keepdims)
