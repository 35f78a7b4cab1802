"""What an op is: one function that computes the forward value and returns the vector-Jacobian product of
each input beside it, written once against the backend's array namespace `xp`.

    @op(inputs=2)
    def multiply(xp, x, y):
        out = xp.multiply(x, y)
        return out, (lambda g: unbroadcast(g * y, x), lambda g: unbroadcast(g * x, y))

The first `inputs` positional arguments are arrays (or Variables, or Tensors); anything after them, and every
keyword, is a static parameter. Under a `GradientTape`, kcore keeps only the VJPs of inputs that need a
gradient; outside one, the VJPs are never called. An op marked `differentiable=False` returns its value only.

When the VJPs need state that the value alone does not (a max-pool's winning positions), an op can name a
cheaper implementation for calls where no input needs a gradient (inference):

    @max_pool.value_only
    def _max_pool_value(xp, inputs, ...):
        return the value alone

A backend's kernel for an op may carry its own value-only form the same way, as its attribute `value_only`
(`kernel.value_only = fn`); it runs where no input needs a gradient while that kernel is bound.
"""

import functools
import math

from kcore import config
from kcore.autodiff import Node, Tensor, recording
from kcore.backend import activate, active
from kcore.errors import DTypeError, KcoreError, OpIndexError, ShapeError


def _describe(arrays):
    shapes = ", ".join(str(tuple(a.shape)) if hasattr(a, "shape") else repr(a) for a in arrays)
    dtypes = ", ".join(str(a.dtype) if hasattr(a, "dtype") else type(a).__name__ for a in arrays)
    return f"shapes [{shapes}] and dtypes [{dtypes}]"


def _error(name, arrays, error):
    received = _describe(arrays)
    if isinstance(error, TypeError):
        return DTypeError(f"ops.{name} cannot take inputs of {received}: {error}. Pass numeric arrays; "
                          f"convert with ops.convert_to_tensor(x, dtype='float32') or x.astype(...).")
    if isinstance(error, IndexError):
        return OpIndexError(f"ops.{name}: index out of range for inputs of {received}: {error}.")
    return ShapeError(f"ops.{name} cannot combine inputs of {received}: {error}. Shapes must match, or "
                      f"broadcast (each axis equal, or 1, counting from the last).")


def _as_array(xp, x):
    """Lists and tuples become arrays, with floats in floatx (Python scalars stay scalars: they are 'weak'
    and take the other operand's dtype, so `x * 2.0` stays float32)."""
    array = xp.asarray(x)
    if array.dtype.kind == "f":
        return array.astype(config.floatx(), copy=False)
    return array.astype("int32", copy=False) if array.dtype.kind in "iu" else array


_SEQUENCES = (list, tuple)


def _symbolic(op, args, params):
    from kcore.layers.symbolic import symbolic_op

    return symbolic_op(op, args, params)


class Op:
    """A differentiable operation, callable like a function. See the module docstring for the contract."""

    def __init__(self, fn, inputs, differentiable, name):
        functools.update_wrapper(self, fn)
        self.name = name
        self.fn = fn  # the implementation written against `xp`
        self.impl = fn  # what runs: `fn`, or the active backend's kernel for this op
        self.kernels = {}  # backend name -> kernel
        self.inputs = inputs  # how many leading positional arguments are arrays (None: all of them)
        self.differentiable = differentiable
        self.value_fn = None  # optional: the value alone, for calls where nothing needs a gradient
        self.value_impl = None  # what runs where nothing needs a gradient: `impl`'s value-only form, if it has one

    def value_only(self, fn):
        """Register `fn(xp, *arrays, **params) -> value`, run instead of the op when no input needs a gradient."""
        self.value_fn = fn
        if self.impl is self.fn:
            self.value_impl = fn
        return fn

    def select(self, backend_name):
        kernel = self.kernels.get(backend_name)
        self.impl = self.fn if kernel is None else kernel
        self.value_impl = self.value_fn if kernel is None else getattr(kernel, "value_only", None)

    def __repr__(self):
        return f"<kcore op {self.name}>"

    def __call__(self, *args, **params):
        xp = active.xp or activate().xp
        count = self.inputs
        if count is None or count > len(args):
            count = len(args)
        arrays = args  # copied into a list only when an argument must be replaced by its array
        tracked = None
        for i in range(count):
            a = args[i]
            if isinstance(a, Node):
                if a.symbolic:
                    return _symbolic(self, args, params)
                if arrays is args:
                    arrays = list(args)
                if recording.depth and a._tracked():
                    tracked = [(i, a)] if tracked is None else [*tracked, (i, a)]
                arrays[i] = a.value
            elif type(a) in _SEQUENCES:
                if arrays is args:
                    arrays = list(args)
                arrays[i] = _as_array(xp, a)
        impl = self.impl if tracked is not None or self.value_impl is None else self.value_impl
        try:
            result = impl(xp, *arrays, **params)
        except KcoreError:
            raise
        except (ValueError, TypeError, IndexError) as e:
            raise _error(self.name, arrays[:count], e) from e
        if not self.differentiable or impl is self.value_impl:
            return result
        if tracked is None:
            return result[0]
        out, vjps = result
        edges = tuple((node, vjps[i]) for i, node in tracked if vjps[i] is not None)
        return Tensor(out, edges) if edges else out


def op(fn=None, *, inputs=1, differentiable=True, name=None):
    """Make `fn(xp, *arrays, **params) -> (value, vjps)` a kcore op. See the module docstring."""
    if fn is None:
        return functools.partial(op, inputs=inputs, differentiable=differentiable, name=name)
    return Op(fn, inputs, differentiable, name or fn.__name__.rstrip("_"))


def unbroadcast(grad, like):
    """Sum `grad` down to the shape of `like` (an array or a shape), undoing NumPy broadcasting."""
    shape = tuple(like) if isinstance(like, tuple) else tuple(getattr(like, "shape", ()))
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    if lead and grad.shape[lead:] == shape and grad.size:
        # only leading axes to sum (a bias gradient): one matrix-vector product is several times faster
        # than the ufunc reduction over several axes
        flat = grad.reshape(-1, math.prod(shape))
        return (active.xp.ones(flat.shape[0], dtype=grad.dtype) @ flat).reshape(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def is_float(x):
    return getattr(x, "dtype", None) is not None and x.dtype.kind == "f"


def normalize_axis(axis, ndim):
    """`axis` (an int, a sequence, or None) as a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim if ndim else a for a in axes)
