"""Checking analytic gradients against central finite differences in float64."""

import numpy as np

from kcore.autodiff import GradientTape, Node, gradients


def _plain(x):
    return x.value if isinstance(x, Node) else x


def numeric_vjp(fn, args, kwargs, position, cotangent, eps=1e-6):
    """d<cotangent, fn(args)>/d args[position], one element at a time by central differences."""
    x = np.array(args[position], dtype=np.float64)
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        values = []
        for step in (eps, -eps):
            flat[i] = saved + step
            trial = list(args)
            trial[position] = x.copy()
            values.append(np.sum(cotangent * np.asarray(_plain(fn(*trial, **kwargs)), dtype=np.float64)))
        flat[i] = saved
        out[i] = (values[0] - values[1]) / (2 * eps)
    return grad


def check_gradients(fn, args, kwargs=None, wrt=None, rtol=1e-4, atol=1e-6, eps=1e-6, name=None, seed=0):
    """Assert that the VJP of `fn` at `args` matches central finite differences for each position in `wrt`
    (default: every float64 array argument). Raises AssertionError naming the argument and the worst element.

    Example:
        >>> from kcore import ops
        >>> check_gradients(ops.multiply, [np.ones((2, 3)), np.full((3,), 2.0)])
    """
    kwargs = kwargs or {}
    name = name or getattr(fn, "__name__", "fn")
    args = list(args)
    if wrt is None:
        wrt = [i for i, a in enumerate(args) if isinstance(a, np.ndarray) and a.dtype == np.float64]
    with GradientTape() as tape:
        leaves = [tape.watch(args[i]) for i in wrt]
        traced = list(args)
        for i, leaf in zip(wrt, leaves, strict=True):
            traced[i] = leaf
        out = fn(*traced, **kwargs)
    value = np.asarray(_plain(out), dtype=np.float64)
    cotangent = np.random.default_rng(seed).standard_normal(value.shape)
    analytic = gradients(out, leaves, output_gradients=cotangent, unconnected_gradients="zero")
    for position, grad in zip(wrt, analytic, strict=True):
        grad = np.asarray(grad)
        where = f"{name}: gradient of argument {position} (shape {np.shape(args[position])})"
        assert grad.shape == np.shape(args[position]), f"{where} has shape {grad.shape}"
        assert grad.dtype == np.float64, f"{where} has dtype {grad.dtype} for float64 inputs"
        numeric = numeric_vjp(fn, args, kwargs, position, cotangent, eps)
        error = np.abs(grad - numeric) - (atol + rtol * np.abs(numeric))
        if np.any(error > 0):
            worst = np.unravel_index(np.argmax(error), error.shape) if error.ndim else ()
            raise AssertionError(f"{where} disagrees with finite differences at index {worst}: analytic "
                                 f"{grad[worst]!r}, numeric {numeric[worst]!r} (kwargs {kwargs}).\n"
                                 f"analytic:\n{grad}\nnumeric:\n{numeric}")
