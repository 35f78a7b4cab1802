"""kcore.ops: the differentiable operations, with Keras 3's names and arguments.

Each op takes backend arrays (or Variables, or Tensors under a tape) and returns a backend array, or a Tensor
when a `GradientTape` records it. Plugins add ops of their own (convolution, pooling, recurrent steps); they
are found here by name too, e.g. `kcore.ops.conv` once kcore-layers-conv is installed.

Example:
    >>> from kcore import ops
    >>> ops.softmax(ops.convert_to_tensor([[1.0, 1.0]]))
    array([[0.5, 0.5]], dtype=float32)
"""

from kcore import autodiff as _autodiff
from kcore.ops.core import (
    arange,
    cast,
    convert_to_numpy,
    convert_to_tensor,
    dtype,
    eye,
    full,
    full_like,
    is_tensor,
    linspace,
    ones,
    ones_like,
    shape,
    stop_gradient,
    zeros,
    zeros_like,
)
from kcore.ops.elementwise import (
    abs,
    absolute,
    add,
    arctan,
    ceil,
    clip,
    cos,
    cosh,
    divide,
    equal,
    erf,
    exp,
    expm1,
    floor,
    floor_divide,
    greater,
    greater_equal,
    isfinite,
    isinf,
    isnan,
    less,
    less_equal,
    log,
    log1p,
    log2,
    log10,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    not_equal,
    power,
    reciprocal,
    round,
    rsqrt,
    sign,
    sin,
    sinh,
    sqrt,
    square,
    subtract,
    tan,
    true_divide,
    where,
)
from kcore.ops.indexing import argsort, get_item, one_hot, slice, sort, take, take_along_axis, tril, triu

# Importing the submodule kcore.ops.shape bound it to this package's name `shape`: bind the function back.
from kcore.ops.linalg import dot, einsum, matmul, norm, outer, tensordot
from kcore.ops.manipulation import (
    broadcast_to,
    concatenate,
    expand_dims,
    flip,
    moveaxis,
    pad,
    ravel,
    repeat,
    reshape,
    split,
    squeeze,
    stack,
    swapaxes,
    tile,
    transpose,
    unstack,
)
from kcore.ops.nn import (
    binary_crossentropy,
    categorical_crossentropy,
    elu,
    gelu,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    leaky_relu,
    log_sigmoid,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    sparse_categorical_crossentropy,
    swish,
    tanh,
)
from kcore.ops.op import Op, op, unbroadcast
from kcore.ops.reductions import (
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    cumprod,
    cumsum,
    logsumexp,
    max,
    mean,
    min,
    prod,
    std,
    sum,
    var,
)


def __getattr__(name):
    """Ops that plugins register (kind "op") are found here by name, loading the plugin on first use."""
    from kcore.plugins.plugin_manager import lookup_attribute

    return lookup_attribute("op", name, globals())


_autodiff.ops = __import__("sys").modules[__name__]
