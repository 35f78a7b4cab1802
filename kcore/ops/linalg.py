"""Linear algebra: products, contractions and norms (Keras 3 `keras.ops` names, NumPy semantics)."""

import functools
import math
import string

from kcore import config
from kcore.errors import ConfigError, ShapeError
from kcore.ops.op import is_float, normalize_axis, op, unbroadcast

# -- matrix products --------------------------------------------------------------------------------------


def _mm(xp, a, b):
    """`a @ b`. A contiguous stack of matrices times one matrix is folded into a single 2-D product: one BLAS
    call instead of one per matrix (Dense on sequences, attention projections)."""
    if a.ndim > 2 and b.ndim == 2 and a.flags.c_contiguous:
        rows = math.prod(a.shape[:-1])
        return xp.matmul(a.reshape(rows, a.shape[-1]), b).reshape(*a.shape[:-1], b.shape[-1])
    return xp.matmul(a, b)


def _matmul_vjps(xp, x1, x2):
    """The VJPs of `matmul(x1, x2)` under NumPy's rules: a 1-D operand is a row (x1) or a column (x2) whose
    added axis is dropped from the result, and batch axes broadcast."""
    a = x1 if x1.ndim > 1 else x1[None, :]
    b = x2 if x2.ndim > 1 else x2[:, None]

    def restore(g):  # g with the axes that 1-D operands dropped put back
        if x2.ndim == 1:
            g = g[..., None]
        return g[..., None, :] if x1.ndim == 1 else g

    def d1(g):
        grad = _mm(xp, restore(g), xp.swapaxes(b, -1, -2))
        return unbroadcast(grad, a.shape).reshape(x1.shape)

    def d2(g):
        g = restore(g)
        if b.ndim == 2 and a.ndim > 2:  # one matrix against a stack (as many as in g): one product sums it
            rows = math.prod(a.shape[:-1])
            grad = xp.matmul(a.reshape(rows, a.shape[-1]).T, g.reshape(rows, g.shape[-1]))
        else:
            grad = unbroadcast(xp.matmul(xp.swapaxes(a, -1, -2), g), b.shape)
        return grad.reshape(x2.shape)

    return d1, d2


@op(inputs=2)
def matmul(xp, x1, x2):
    """Matrix product with NumPy's semantics: 1-D operands, and broadcasting over batch axes."""
    return _mm(xp, x1, x2), _matmul_vjps(xp, x1, x2)


def _inverse(order):
    """The permutation that undoes `order` (argsort)."""
    return sorted(range(len(order)), key=order.__getitem__)


def _tensordot_vjps(xp, a, b, a_axes, b_axes):
    """The VJPs of `tensordot(a, b, (a_axes, b_axes))`, whose result has a's free axes then b's."""
    a_free = [i for i in range(a.ndim) if i not in a_axes]
    b_free = [i for i in range(b.ndim) if i not in b_axes]
    na = len(a_free)

    # tensordot leaves the uncontracted axes of each operand in their own order, so the axes a gradient is left
    # with are the partners of the other operand's contracted axes, sorted
    a_left = a_free + [a_axes[b_axes.index(j)] for j in sorted(b_axes)]
    b_left = [b_axes[a_axes.index(i)] for i in sorted(a_axes)] + b_free

    def da(g):  # g's b-part against b's free axes
        return xp.transpose(xp.tensordot(g, b, axes=(list(range(na, g.ndim)), b_free)), _inverse(a_left))

    def db(g):  # a's free axes against g's a-part
        return xp.transpose(xp.tensordot(a, g, axes=(a_free, list(range(na)))), _inverse(b_left))

    return da, db


def _tensordot_axes(axes, a_ndim, b_ndim):
    if isinstance(axes, int):
        if not 0 <= axes <= min(a_ndim, b_ndim):
            raise ShapeError(f"ops.tensordot: axes={axes} must be in [0, {min(a_ndim, b_ndim)}] for operands of "
                             f"ranks {a_ndim} and {b_ndim}")
        return list(range(a_ndim - axes, a_ndim)), list(range(axes))
    a_axes, b_axes = ([v] if isinstance(v, int) else list(v) for v in axes)
    if len(a_axes) != len(b_axes):
        raise ShapeError(f"ops.tensordot: axes={axes!r} must name as many axes of x1 as of x2")
    return [v % a_ndim for v in a_axes], [v % b_ndim for v in b_axes]


@op(inputs=2)
def tensordot(xp, x1, x2, axes=2):
    """Sum over `axes` (an int N: the last N of x1 with the first N of x2; or a pair of axis lists)."""
    a_axes, b_axes = _tensordot_axes(axes, x1.ndim, x2.ndim)
    return xp.tensordot(x1, x2, axes=(a_axes, b_axes)), _tensordot_vjps(xp, x1, x2, a_axes, b_axes)


@op(inputs=2)
def dot(xp, x1, x2):
    """NumPy's dot: a product with a scalar, matmul for 1-D and 2-D operands, else a sum over the last axis of
    x1 and the second-to-last of x2."""
    out = xp.dot(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return out, (lambda g: unbroadcast(g * x2, x1), lambda g: unbroadcast(g * x1, x2))
    if x1.ndim <= 2 and x2.ndim <= 2:
        return out, _matmul_vjps(xp, x1, x2)
    return out, _tensordot_vjps(xp, x1, x2, [x1.ndim - 1], [max(x2.ndim - 2, 0)])


@op(inputs=2)
def outer(xp, x1, x2):
    """The outer product of x1 and x2, each flattened."""
    a, b = x1.reshape(-1), x2.reshape(-1)
    return xp.outer(a, b), (lambda g: xp.matmul(g, b).reshape(x1.shape),
                            lambda g: xp.matmul(a, g).reshape(x2.shape))


# -- einsum -----------------------------------------------------------------------------------------------


def _optimize(arrays):
    """Whether numpy.einsum should search a contraction order (and use BLAS): that costs some 30 us, and pays
    off many times over from a few thousand elements (attention scores: 6x)."""
    return len(arrays) > 1 and max(a.size for a in arrays) >= 4096


@functools.lru_cache(maxsize=512)
def _einsum_plan(subscripts, ndims):
    """The input terms and the output term of `subscripts` for operands of ranks `ndims`, with '...' spelled in
    unused letters (right-aligned, as it broadcasts) and the implicit output made explicit."""
    spec = subscripts.replace(" ", "")
    lhs, arrow, out = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ndims):
        raise ValueError(f"subscripts {subscripts!r} name {len(terms)} operands; {len(ndims)} were given")
    widths = [ndim - (len(term) - 3) if "..." in term else 0 for term, ndim in zip(terms, ndims, strict=True)]
    free = [c for c in string.ascii_letters if c not in spec]
    batch = "".join(free[:max(widths, default=0)])
    terms = [term.replace("...", batch[len(batch) - width:]) for term, width in zip(terms, widths, strict=True)]
    if arrow:
        out = out.replace("...", batch)
    else:  # implicit mode: the broadcast axes, then the letters that occur once, in alphabetical order
        letters = "".join(terms)
        out = batch + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in batch))
    return tuple(terms), out


def _einsum_vjp(xp, subscripts, operands, k):
    """The VJP for operand k: the einsum of the cotangent with the other operands onto operand k's term."""

    def vjp(g):
        terms, out = _einsum_plan(subscripts, tuple(x.ndim for x in operands))
        x, term = operands[k], terms[k]
        sizes = {}
        for t, y in zip(terms, operands, strict=True):
            for c, n in zip(t, y.shape, strict=True):
                sizes[c] = n if n != 1 else sizes.get(c, 1)
        # A repeated letter ('ii', a diagonal) cannot be an output letter: each repeat gets a fresh letter,
        # tied to the first by an identity matrix among the operands.
        spare = (c for c in string.ascii_letters if c not in sizes)
        distinct, ties = "", []
        for c in term:
            if c in distinct:
                fresh = next(spare)
                ties.append(c + fresh)
                c = fresh
            distinct += c
        others = [t for i, t in enumerate(terms) if i != k]
        # letters found in no other term nor the output were summed out of x alone: its gradient is constant
        # along them, so it is computed without them and broadcast back
        available = set(out).union(*others, *ties)
        kept = "".join(c for c in distinct if c in available)
        arrays = [g, *(y for i, y in enumerate(operands) if i != k),
                  *(xp.eye(sizes[tie[0]], dtype=g.dtype) for tie in ties)]
        grad = xp.einsum(",".join([out, *others, *ties]) + "->" + kept, *arrays, optimize=_optimize(arrays))
        grad = grad.reshape([grad.shape[kept.index(c)] if c in kept else 1 for c in distinct])
        broadcast = tuple(i for i, (n, m) in enumerate(zip(x.shape, grad.shape, strict=True)) if n == 1 != m)
        if broadcast:  # size-1 axes of x that broadcast against the other operands
            grad = grad.sum(axis=broadcast, keepdims=True)
        return grad if grad.shape == x.shape else xp.broadcast_to(grad, x.shape)

    return vjp


# einsum is called as einsum(subscripts, *operands), so the op is declared with inputs=None (every positional
# argument may be an array): the subscripts string is neither a Node nor a list, so Op.__call__ passes it
# through untouched, and its VJP slot is None. The op itself is then the public function, exported from
# kcore.ops and registered under "einsum" like any other op, with no wrapper to keep in step.
@op(inputs=None, name="einsum")
def einsum(xp, subscripts, *operands):
    """Einstein summation, explicit ('ij,jk->ik') or implicit ('ij,jk'), with '...' for broadcast axes."""
    out = xp.einsum(subscripts, *operands, optimize=_optimize(operands))
    return out, (None, *(_einsum_vjp(xp, subscripts, operands, k) for k in range(len(operands))))


# -- norms ------------------------------------------------------------------------------------------------


def _share(hits, axis, dtype):
    """Ties of a max or min share its gradient equally (in `dtype`: a bool array / its count is float64)."""
    hits = hits.astype(dtype)
    return hits / hits.sum(axis=axis, keepdims=True)


def _vector_norm(xp, x, ord, axes):
    """The norm over `axes` (kept, size 1) and its VJP taking the cotangent in that kept shape."""
    if ord is None or ord == 2:
        kept = xp.sqrt(xp.sum(x * x, axis=axes, keepdims=True))
        return kept, lambda g: g * x / xp.where(kept > 0, kept, 1)  # the zero vector: gradient 0
    if isinstance(ord, str):
        raise ConfigError(f"ops.norm: ord={ord!r} is not a vector norm order; use a number, inf or -inf")
    magnitude = xp.absolute(x)
    if ord == 1:
        return xp.sum(magnitude, axis=axes, keepdims=True), lambda g: g * xp.sign(x)
    if ord == math.inf or ord == -math.inf:
        kept = (xp.max if ord > 0 else xp.min)(magnitude, axis=axes, keepdims=True)
        return kept, lambda g: g * xp.sign(x) * _share(magnitude == kept, axes, x.dtype)
    if ord == 0:  # how many are nonzero: piecewise constant
        return xp.sum(x != 0, axis=axes, keepdims=True).astype(x.dtype), lambda g: xp.zeros_like(x)
    kept = xp.sum(magnitude ** ord, axis=axes, keepdims=True) ** (1 / ord)
    return kept, lambda g: g * xp.sign(x) * (magnitude / kept) ** (ord - 1)


def _matrix_norm(xp, x, ord, rows, cols):
    """The matrix norm over the axes (rows, cols) (kept, size 1) and its VJP in that kept shape."""
    if ord is None or ord == "fro":
        return _vector_norm(xp, x, None, (rows, cols))
    if ord in (1, -1, math.inf, -math.inf):  # 1: the largest column sum of |x|; inf: the largest row sum
        inner, outer = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = xp.sum(xp.absolute(x), axis=inner, keepdims=True)
        kept = (xp.max if ord > 0 else xp.min)(sums, axis=outer, keepdims=True)
        return kept, lambda g: g * xp.sign(x) * _share(sums == kept, outer, x.dtype)
    if ord in (2, -2, "nuc"):  # from the singular values, d sigma_i = u_i v_i^T: the vectors only for the VJP
        y = xp.moveaxis(x, (rows, cols), (-2, -1))
        singular = xp.linalg.svd(y, compute_uv=False)
        pick = slice(None) if ord == "nuc" else slice(0, 1) if ord == 2 else slice(-1, None)
        value = xp.sum(singular[..., pick], axis=-1)
        kept = value.reshape(tuple(1 if i in (rows, cols) else n for i, n in enumerate(x.shape)))

        def vjp(g):
            u, _, vh = xp.linalg.svd(y, full_matrices=False)
            grad = xp.matmul(u[..., :, pick], vh[..., pick, :]) * xp.moveaxis(g, (rows, cols), (-2, -1))
            return xp.moveaxis(grad, (-2, -1), (rows, cols))

        return kept, vjp
    raise ConfigError(f"ops.norm: ord={ord!r} is not a matrix norm order; use None, 'fro', 'nuc', 1, -1, 2, -2, "
                      f"inf or -inf")


@op
def norm(xp, x, ord=None, axis=None, keepdims=False):
    """A vector norm (axis an int) or a matrix norm (axis a pair), as numpy.linalg.norm computes it. With
    `axis=None`: the 2-norm of all of x when `ord` is None, else x must be 1-D (vector) or 2-D (matrix)."""
    if not is_float(x):
        x = xp.asarray(x).astype(config.floatx())
    if axis is None:
        if ord is not None and x.ndim not in (1, 2):
            raise ShapeError(f"ops.norm: with axis=None and ord={ord!r}, x must be 1-D or 2-D; received shape "
                             f"{tuple(x.shape)}. Pass `axis`.")
        axes = tuple(range(x.ndim))
    else:
        axes = normalize_axis(axis, x.ndim)
        if len(axes) not in (1, 2) or len(set(axes)) != len(axes):
            raise ShapeError(f"ops.norm: axis={axis!r} must be an int (a vector norm) or two distinct axes (a matrix "
                             f"norm) of x, of shape {tuple(x.shape)}")
    if len(axes) == 2 and ord is not None:
        kept, vjp = _matrix_norm(xp, x, ord, *axes)
    else:
        kept, vjp = _vector_norm(xp, x, ord, axes)
    out = kept if keepdims else kept.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))
    return out, (lambda g: vjp(g.reshape(kept.shape)),)
