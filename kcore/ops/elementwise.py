"""Elementwise maths and comparisons, with NumPy broadcasting (Keras names)."""

import math

from kcore.ops.op import op, unbroadcast

# -- arithmetic -------------------------------------------------------------------------------------------


@op(inputs=2)
def add(xp, x, y):
    return xp.add(x, y), (lambda g: unbroadcast(g, x), lambda g: unbroadcast(g, y))


@op(inputs=2)
def subtract(xp, x, y):
    return xp.subtract(x, y), (lambda g: unbroadcast(g, x), lambda g: unbroadcast(-g, y))


@op(inputs=2)
def multiply(xp, x, y):
    return xp.multiply(x, y), (lambda g: unbroadcast(g * y, x), lambda g: unbroadcast(g * x, y))


@op(inputs=2)
def divide(xp, x, y):
    out = xp.divide(x, y)
    return out, (lambda g: unbroadcast(g / y, x), lambda g: unbroadcast(-g * out / y, y))


true_divide = divide


@op(inputs=2)
def power(xp, x, y):
    out = xp.power(x, y)
    return out, (lambda g: unbroadcast(g * y * xp.power(x, y - 1), x),
                 lambda g: unbroadcast(g * out * xp.log(xp.where(x > 0, x, 1)), y))


@op(inputs=2)
def mod(xp, x, y):
    return xp.mod(x, y), (lambda g: unbroadcast(g, x), lambda g: unbroadcast(-g * xp.floor_divide(x, y), y))


@op(inputs=2, differentiable=False)
def floor_divide(xp, x, y):
    return xp.floor_divide(x, y)


@op
def negative(xp, x):
    return xp.negative(x), (lambda g: -g,)


@op
def absolute(xp, x):
    return xp.absolute(x), (lambda g: g * xp.sign(x),)


abs = absolute


@op
def square(xp, x):
    return xp.square(x), (lambda g: 2 * g * x,)


@op
def sqrt(xp, x):
    out = xp.sqrt(x)
    return out, (lambda g: g / (2 * out),)


@op
def rsqrt(xp, x):
    out = 1 / xp.sqrt(x)
    return out, (lambda g: -0.5 * g * out / x,)


@op
def reciprocal(xp, x):
    out = xp.reciprocal(x)
    return out, (lambda g: -g * out * out,)


@op
def exp(xp, x):
    out = xp.exp(x)
    return out, (lambda g: g * out,)


@op
def expm1(xp, x):
    out = xp.expm1(x)
    return out, (lambda g: g * (out + 1),)


@op
def log(xp, x):
    return xp.log(x), (lambda g: g / x,)


@op
def log1p(xp, x):
    return xp.log1p(x), (lambda g: g / (1 + x),)


@op
def log2(xp, x):
    return xp.log2(x), (lambda g: g / (x * math.log(2)),)


@op
def log10(xp, x):
    return xp.log10(x), (lambda g: g / (x * math.log(10)),)


@op
def sin(xp, x):
    return xp.sin(x), (lambda g: g * xp.cos(x),)


@op
def cos(xp, x):
    return xp.cos(x), (lambda g: -g * xp.sin(x),)


@op
def tan(xp, x):
    out = xp.tan(x)
    return out, (lambda g: g * (1 + out * out),)


@op
def sinh(xp, x):
    return xp.sinh(x), (lambda g: g * xp.cosh(x),)


@op
def cosh(xp, x):
    return xp.cosh(x), (lambda g: g * xp.sinh(x),)


@op
def arctan(xp, x):
    return xp.arctan(x), (lambda g: g / (1 + x * x),)


@op
def erf(xp, x):
    """The error function, from Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7)."""
    t = 1 / (1 + 0.3275911 * xp.absolute(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    out = xp.sign(x) * (1 - poly * xp.exp(-x * x))
    return out.astype(x.dtype, copy=False), (lambda g: g * (2 / math.sqrt(math.pi)) * xp.exp(-x * x),)


@op(inputs=2)
def maximum(xp, x, y):
    out = xp.maximum(x, y)
    return out, (lambda g: unbroadcast(g * (x >= y), x), lambda g: unbroadcast(g * (x < y), y))


@op(inputs=2)
def minimum(xp, x, y):
    out = xp.minimum(x, y)
    return out, (lambda g: unbroadcast(g * (x <= y), x), lambda g: unbroadcast(g * (x > y), y))


@op
def clip(xp, x, x_min, x_max):
    """Clip `x` to `[x_min, x_max]`; the gradient flows where `x` is inside the interval."""
    out = xp.clip(x, x_min, x_max)
    return out, (lambda g: g * ((x >= x_min) & (x <= x_max)),)


@op(inputs=3)
def where(xp, condition, x1, x2):
    """`x1` where `condition` holds, else `x2`."""
    condition = xp.asarray(condition).astype(bool, copy=False)
    out = xp.where(condition, x1, x2)
    return out, (None, lambda g: unbroadcast(xp.where(condition, g, 0), x1),
                 lambda g: unbroadcast(xp.where(condition, 0, g), x2))


# -- rounding: piecewise constant, so no gradient flows ---------------------------------------------------


@op(differentiable=False)
def sign(xp, x):
    return xp.sign(x)


@op(differentiable=False)
def floor(xp, x):
    return xp.floor(x)


@op(differentiable=False)
def ceil(xp, x):
    return xp.ceil(x)


@op(differentiable=False)
def round(xp, x, decimals=0):
    return xp.round(x, decimals)


# -- comparisons and logic --------------------------------------------------------------------------------


@op(inputs=2, differentiable=False)
def equal(xp, x, y):
    return xp.equal(x, y)


@op(inputs=2, differentiable=False)
def not_equal(xp, x, y):
    return xp.not_equal(x, y)


@op(inputs=2, differentiable=False)
def greater(xp, x, y):
    return xp.greater(x, y)


@op(inputs=2, differentiable=False)
def greater_equal(xp, x, y):
    return xp.greater_equal(x, y)


@op(inputs=2, differentiable=False)
def less(xp, x, y):
    return xp.less(x, y)


@op(inputs=2, differentiable=False)
def less_equal(xp, x, y):
    return xp.less_equal(x, y)


@op(inputs=2, differentiable=False)
def logical_and(xp, x, y):
    return xp.logical_and(x, y)


@op(inputs=2, differentiable=False)
def logical_or(xp, x, y):
    return xp.logical_or(x, y)


@op(inputs=2, differentiable=False)
def logical_xor(xp, x, y):
    return xp.logical_xor(x, y)


@op(differentiable=False)
def logical_not(xp, x):
    return xp.logical_not(x)


@op(differentiable=False)
def isnan(xp, x):
    return xp.isnan(x)


@op(differentiable=False)
def isinf(xp, x):
    return xp.isinf(x)


@op(differentiable=False)
def isfinite(xp, x):
    return xp.isfinite(x)
