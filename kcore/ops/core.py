"""Creating, converting and casting arrays; `stop_gradient`; `shape`."""

from kcore import backend, config
from kcore.autodiff import Node
from kcore.ops.op import _as_array, op


def _dtype(dtype):
    return config.floatx() if dtype is None else dtype


def convert_to_tensor(x, dtype=None):
    """`x` as an array of the active backend. Python floats and lists of floats become `floatx()`; arrays
    keep their dtype unless `dtype` is given."""
    xp = backend.get().xp
    if isinstance(x, Node):
        x = x.value
    if dtype is not None:
        return xp.asarray(x, dtype=dtype)
    if isinstance(x, (int, float, list, tuple)):
        return _as_array(xp, x)
    return xp.asarray(x)


def convert_to_numpy(x):
    """`x` as a NumPy array on the host."""
    return backend.to_numpy(x)


def is_tensor(x):
    """Whether `x` is an array of the active backend or a recorded Tensor."""
    return isinstance(x, Node) or backend.get().is_array(x)


def shape(x):
    """The shape of `x` as a tuple of ints."""
    return tuple(x.shape) if hasattr(x, "shape") else ()


def dtype(x):
    """The dtype of `x` as a string, e.g. 'float32'."""
    return str(convert_to_tensor(x).dtype)


@op
def cast(xp, x, dtype):
    """`x` converted to `dtype`; the gradient is cast back to the input's dtype."""
    x = xp.asarray(x)
    source = x.dtype
    return x.astype(dtype, copy=False), (lambda g: g.astype(source, copy=False) if source.kind == "f" else None,)


@op(differentiable=False)
def stop_gradient(xp, x):
    """`x`, through which no gradient flows: under a tape it is a constant."""
    return x


def zeros(shape, dtype=None):
    return backend.get().xp.zeros(shape, dtype=_dtype(dtype))


def ones(shape, dtype=None):
    return backend.get().xp.ones(shape, dtype=_dtype(dtype))


def full(shape, fill_value, dtype=None):
    return backend.get().xp.full(shape, fill_value, dtype=_dtype(dtype))


def zeros_like(x, dtype=None):
    return backend.get().xp.zeros_like(convert_to_tensor(x), dtype=dtype)


def ones_like(x, dtype=None):
    return backend.get().xp.ones_like(convert_to_tensor(x), dtype=dtype)


def full_like(x, fill_value, dtype=None):
    return backend.get().xp.full_like(convert_to_tensor(x), fill_value, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    return backend.get().xp.eye(N, M, k=k, dtype=_dtype(dtype))


def arange(start, stop=None, step=1, dtype=None):
    """Like NumPy's arange; integers give int32 and floats give floatx unless `dtype` is given."""
    xp = backend.get().xp
    if dtype is None:
        floats = any(isinstance(v, float) for v in (start, stop, step))
        dtype = config.floatx() if floats else "int32"
    return xp.arange(start, stop, step, dtype=dtype) if stop is not None else xp.arange(start, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    return backend.get().xp.linspace(start, stop, num, endpoint=endpoint, dtype=_dtype(dtype))
