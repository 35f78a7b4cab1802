"""Reverse-mode automatic differentiation, define-by-run.

Outside a `GradientTape`, ops take and return plain backend arrays and record nothing, so inference costs only
the arithmetic. Inside a tape, an op whose input is a trainable `Variable` (or a watched value, or a `Tensor`
from this tape) returns a `Tensor`: its array plus the edges back to those inputs, each edge holding the
vector-Jacobian product for that input. `gradients` walks the edges from the target back to the sources.

Example:
    >>> import numpy as np
    >>> from kcore import ops, Variable, GradientTape
    >>> w = Variable(np.array([1.0, 2.0], "float32"))
    >>> with GradientTape() as tape:
    ...     loss = ops.sum(w * w)
    >>> tape.gradient(loss, w)
    array([2., 4.], dtype=float32)
"""

import threading

from kcore.errors import GradientError

ops = None  # kcore.ops, set when it is imported; the operator overloads below go through it


class _Recording(threading.local):
    """Whether a tape is open, which one, and what it watches: per thread, so that a thread reading data (a
    PyDataset's workers) never records on the training step's tape."""

    depth = 0  # open tapes; ops record only while it is positive
    generation = 0  # tensors from an earlier tape are constants to a later one
    watch_trainable = True
    watched = frozenset()


recording = _Recording()


class Node:
    """A value that ops may record: a `Tensor` made under a tape, or a `Variable`.

    Both keep their backend array in `value` and behave like an array: shape, dtype, arithmetic, indexing.
    """

    __slots__ = ()
    __array_ufunc__ = None  # NumPy defers `ndarray + node` to our reflected methods
    edges = ()
    symbolic = False  # True for KerasTensor: a placeholder in a functional model, with no value

    @property
    def shape(self):
        return tuple(self.value.shape)

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def ndim(self):
        return self.value.ndim

    @property
    def size(self):
        return self.value.size

    def __len__(self):
        return len(self.value)

    def numpy(self):
        from kcore import backend

        return backend.get().to_numpy(self.value)

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def __float__(self):
        return float(self.value)

    def __int__(self):
        return int(self.value)

    def __bool__(self):
        return bool(self.value)

    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.subtract(self, other)

    def __rsub__(self, other):
        return ops.subtract(other, self)

    def __mul__(self, other):
        return ops.multiply(self, other)

    def __rmul__(self, other):
        return ops.multiply(other, self)

    def __truediv__(self, other):
        return ops.divide(self, other)

    def __rtruediv__(self, other):
        return ops.divide(other, self)

    def __floordiv__(self, other):
        return ops.floor_divide(self, other)

    def __mod__(self, other):
        return ops.mod(self, other)

    def __pow__(self, other):
        return ops.power(self, other)

    def __rpow__(self, other):
        return ops.power(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.absolute(self)

    def __lt__(self, other):
        return ops.less(self, other)

    def __le__(self, other):
        return ops.less_equal(self, other)

    def __gt__(self, other):
        return ops.greater(self, other)

    def __ge__(self, other):
        return ops.greater_equal(self, other)

    def __getitem__(self, key):
        return ops.get_item(self, key)

    @property
    def T(self):
        return ops.transpose(self)

    def sum(self, axis=None, keepdims=False):
        return ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return ops.mean(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape):
        return ops.reshape(self, shape[0] if len(shape) == 1 else shape)

    def astype(self, dtype):
        return ops.cast(self, dtype)


class Tensor(Node):
    """An array computed under a `GradientTape`, with the edges that lead back to what it depends on."""

    __slots__ = ("value", "edges", "generation")

    def __init__(self, value, edges=()):
        self.value = value
        self.edges = edges  # ((input node, vjp of that input), ...)
        self.generation = recording.generation

    def _tracked(self):
        return self.generation == recording.generation

    def __eq__(self, other):
        return ops.equal(self, other)

    def __ne__(self, other):
        return ops.not_equal(self, other)

    __hash__ = object.__hash__

    def __repr__(self):
        return f"<Tensor shape={self.shape} dtype={self.dtype}>\n{self.value!r}"


class GradientTape:
    """Records the ops run inside it, so that `gradient` can differentiate through them (as in TensorFlow).

    Trainable variables are watched automatically (unless `watch_accessed_variables=False`); watch anything
    else with `x = tape.watch(x)`. The recorded graph lives on the tensors, so `gradient` may be called more
    than once.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._watched = set()
        self._saved = None

    def __enter__(self):
        self._saved = (recording.watch_trainable, recording.watched)
        if recording.depth == 0:
            recording.generation += 1
        recording.depth += 1
        recording.watch_trainable = self.watch_accessed_variables
        recording.watched = self._watched
        return self

    def __exit__(self, *exc):
        recording.depth -= 1
        recording.watch_trainable, recording.watched = self._saved

    def watch(self, x):
        """Differentiate with respect to `x` too. A Variable is watched in place; for an array or a
        Tensor from elsewhere, use the returned Tensor in the computation."""
        from kcore.variables import Variable

        if isinstance(x, Variable):
            self._watched.add(id(x))
            return x
        return Tensor(x.value if isinstance(x, Node) else x)

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        return gradients(target, sources, output_gradients, unconnected_gradients)


def _relevant_in_order(target, wanted):
    """Nodes between `target` and the wanted sources, from the target backwards, each after all its users."""
    order, relevant, visited = [], set(), set()
    stack = [(target, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if id(node) in wanted or any(id(parent) in relevant for parent, _ in node.edges):
                relevant.add(id(node))
                order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        stack.extend((parent, False) for parent, _ in node.edges if id(parent) not in visited)
    order.reverse()
    return order, relevant


class SliceCotangent:
    """The cotangent of an array that is zero except at `key`, where it is `value`: what the VJP of `x[key]`
    returns (for a key that reaches each element at most once). The gradients of many slices of one array, such as
    the timesteps of an unstacked sequence, then add into one buffer, instead of each making an array of zeros the
    size of the whole."""

    __slots__ = ("like", "key", "value")

    def __init__(self, like, key, value):
        self.like, self.key, self.value = like, key, value

    def dense(self, xp):
        grad = xp.zeros_like(self.like)
        grad[self.key] = self.value
        return grad


def _dense(xp, grad):
    return grad.dense(xp) if type(grad) is SliceCotangent else grad


def _accumulate(xp, total, part, owned):
    """`total + part` for two cotangents of one node, and whether the result is an array made here (so that later
    parts may be added into it in place); a VJP's own result may be shared, and is never written into."""
    if type(total) is SliceCotangent or type(part) is SliceCotangent:
        if type(total) is SliceCotangent:  # the slice is added into the other one
            total, part, owned = part, total, False
        if type(total) is SliceCotangent:
            total, owned = total.dense(xp), True
        dtype = xp.result_type(total, part.value)
        if not owned or total.dtype != dtype:
            total = total.astype(dtype)  # a copy
        total[part.key] += part.value
        return total, True
    if owned and total.shape == part.shape and total.dtype == xp.result_type(total, part):
        total += part
        return total, True
    return total + part, True


def gradients(target, sources, output_gradients=None, unconnected_gradients="none"):
    """The gradient of `target` (summed over its elements, or weighted by `output_gradients`) with respect to
    each of `sources` (a Variable, a watched Tensor, or a list of them).

    A source that `target` does not depend on gets None, or zeros with `unconnected_gradients="zero"`.
    """
    from kcore import backend

    if unconnected_gradients not in ("none", "zero"):
        raise GradientError(f"gradient: `unconnected_gradients` must be 'none' or 'zero'. "
                            f"Received: {unconnected_gradients!r}")
    single = isinstance(sources, Node)
    sources = [sources] if single else list(sources)
    for s in sources:
        if not isinstance(s, Node):
            raise GradientError(f"gradient: sources must be Variables or Tensors returned by tape.watch; "
                                f"received a {type(s).__name__}. Use `x = tape.watch(x)` before computing.")
    xp = backend.get().xp
    found = {}
    if isinstance(target, Node):
        wanted = {id(s) for s in sources}
        order, relevant = _relevant_in_order(target, wanted)
        seed = output_gradients.value if isinstance(output_gradients, Node) else output_gradients
        pending = {id(target): xp.ones_like(target.value) if seed is None else xp.asarray(seed)}
        owned = set()  # the pending cotangents that are sums made here, safe to add into
        for node in order:
            grad = pending.pop(id(node), None)
            if grad is None:
                continue
            grad = _dense(xp, grad)
            if id(node) in wanted:
                found[id(node)] = grad
            for parent, vjp in node.edges:
                key = id(parent)
                if key in relevant:
                    contribution = vjp(grad)
                    if key in pending:
                        pending[key], _ = _accumulate(xp, pending[key], contribution, key in owned)
                        owned.add(key)
                    else:
                        pending[key] = contribution
    results = []
    for s in sources:
        grad = found.get(id(s))
        if grad is None and unconnected_gradients == "zero":
            grad = xp.zeros_like(s.value)
        results.append(grad)
    return results[0] if single else results


def value_and_grad(fn, argnums=0, has_aux=False):
    """Turn `fn` into a function that returns `(value, gradients)` for the positional arguments `argnums`.

    Example:
        >>> f = value_and_grad(lambda x: ops.sum(x ** 2))
        >>> f(np.array([3.0], "float32"))
        (array(9., dtype=float32), array([6.], dtype=float32))
    """
    single = isinstance(argnums, int)
    positions = (argnums,) if single else tuple(argnums)

    def wrapped(*args, **kwargs):
        args = list(args)
        with GradientTape() as tape:
            leaves = [tape.watch(args[i]) for i in positions]
            for i, leaf in zip(positions, leaves, strict=True):
                args[i] = leaf
            out = fn(*args, **kwargs)
        value, aux = out if has_aux else (out, None)
        grads = gradients(value, leaves, unconnected_gradients="zero")
        value = value.value if isinstance(value, Node) else value
        grads = grads[0] if single else tuple(grads)
        return ((value, aux), grads) if has_aux else (value, grads)

    return wrapped
