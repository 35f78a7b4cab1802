"""The backend conformance checks: a backend must compute what the NumPy backend computes.

`check_backend_op_case` replays one op's `OpCase` on the backend under test and on kcore-backend-numpy (the
reference), in float32 and float64: the outputs must have the same structure, shape, dtype and values (within
float tolerances) and be arrays of the backend under test, and the gradients for one random cotangent must agree
the same way. The `check_*` functions below cover the device and dtype rules: conversion to and from NumPy,
float32 by default, seeded random numbers, and a few steps of gradient descent that must land where NumPy's do.

`kcore.testing.backend_conformance` runs all of it as a pytest suite; `run_backend_conformance(name)` runs
that suite in a fresh process with `KCORE_BACKEND=name`.
"""

import contextlib
import os
import subprocess
import sys

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REFERENCE = "numpy"
#: (rtol, atol) by dtype; atol is scaled by the largest magnitude of the reference values
TOLERANCES = {"float64": (1e-10, 1e-10), "float32": (1e-5, 1e-5), "float16": (1e-2, 1e-2)}
FLOAT_DTYPES = ("float32", "float64")


@contextlib.contextmanager
def using_backend(name):
    """Make `name` the active backend inside the block, and the previous one active again after it."""
    from kcore import backend

    previous = backend.active.name
    instance = backend.activate(name)
    try:
        yield instance
    finally:
        if previous is not None and previous != name:
            backend.activate(previous)


def _to_backend(b, x, float_dtype):
    """NumPy arrays (also inside tuples, lists and dicts) as arrays of backend `b`, floats cast to float_dtype."""
    if isinstance(x, np.ndarray):
        return b.asarray(x.astype(float_dtype) if x.dtype.kind == "f" else x)
    if isinstance(x, tuple | list):
        return type(x)(_to_backend(b, item, float_dtype) for item in x)
    if isinstance(x, dict):
        return {k: _to_backend(b, v, float_dtype) for k, v in x.items()}
    return x


def _to_numpy(b, x, where):
    """The output `x` as NumPy: arrays become np.ndarray; a leaf that is not an array of `b` is flagged."""
    from kcore.autodiff import Node

    if isinstance(x, tuple | list):
        return type(x)(_to_numpy(b, item, f"{where}[{i}]") for i, item in enumerate(x))
    if isinstance(x, Node):
        x = x.value
    if b.is_array(x):
        converted = b.to_numpy(x)
        assert isinstance(converted, np.ndarray | np.generic), (
            f"{where}: backend {b.name!r}.to_numpy returned a {type(x).__name__}, not a NumPy array")
        return np.asarray(converted)
    return _NotAnArray(x)


class _NotAnArray:
    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return f"{type(self.value).__name__} {self.value!r}"


def _float_inputs(op, case, args):
    if case.wrt is not None:
        return list(case.wrt)
    inputs = len(args) if op.inputs is None else op.inputs
    return [i for i, a in enumerate(args[:inputs]) if isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def run_case(op, case, args, kwargs, float_dtype, seed=0):
    """On the active backend: the op's output and the gradients of its float inputs for a fixed random
    cotangent, all as NumPy arrays (gradients are None for a non-differentiable op or an integer output)."""
    from kcore import backend
    from kcore.autodiff import GradientTape, gradients

    b = backend.get()
    where = f"ops.{case.op} on backend {b.name!r} ({float_dtype})"
    args_b = [_to_backend(b, a, float_dtype) for a in args]
    kwargs_b = _to_backend(b, kwargs, float_dtype)
    out = _to_numpy(b, op(*args_b, **kwargs_b), f"{where}: output")
    wrt = _float_inputs(op, case, args)
    if not (op.differentiable and wrt and isinstance(out, np.ndarray) and out.dtype.kind == "f"):
        return out, None
    with GradientTape() as tape:
        leaves = [tape.watch(args_b[i]) for i in wrt]
        traced = list(args_b)
        for i, leaf in zip(wrt, leaves, strict=True):
            traced[i] = leaf
        result = op(*traced, **kwargs_b)
    cotangent = np.random.default_rng(seed).standard_normal(out.shape).astype(out.dtype)
    grads = gradients(result, leaves, output_gradients=b.asarray(cotangent), unconnected_gradients="zero")
    return out, [_to_numpy(b, g, f"{where}: gradient of argument {i}") for i, g in zip(wrt, grads, strict=True)]


def assert_same(got, want, what, rtol=None, atol=None):
    """`got` (the backend under test) matches `want` (the reference): structure, array-ness, shape, dtype and
    values; floats within TOLERANCES for their dtype, everything else exactly."""
    if isinstance(want, tuple | list):
        assert isinstance(got, tuple | list) and len(got) == len(want), (
            f"{what}: the reference returns {len(want)} outputs in a {type(want).__name__}, this backend {got!r}")
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{what}[{i}]", rtol, atol)
        return
    if isinstance(want, _NotAnArray):
        return  # the reference itself returns a non-array here; nothing to hold the backend to
    assert not isinstance(got, _NotAnArray), f"{what}: returned {got!r}, not an array of this backend"
    assert got.shape == want.shape, f"{what}: shape {got.shape}, the NumPy backend gives {want.shape}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, the NumPy backend gives {want.dtype}"
    if want.dtype.kind not in "fc":
        np.testing.assert_array_equal(got, want, err_msg=f"{what}: differs from the NumPy backend")
        return
    default_rtol, default_atol = TOLERANCES.get(str(want.dtype), TOLERANCES["float32"])
    finite = want[np.isfinite(want)]
    scale = max(1.0, float(np.max(np.abs(finite)))) if finite.size else 1.0
    np.testing.assert_allclose(got, want, rtol=default_rtol if rtol is None else rtol,
                               atol=(default_atol if atol is None else atol) * scale, equal_nan=True,
                               err_msg=f"{what}: differs from the NumPy backend")


def check_backend_call(op, case, args, kwargs, backend_name, float_dtypes=FLOAT_DTYPES, rtol=None, atol=None):
    """One call of `case`, on the reference and on `backend_name`, compared in each of `float_dtypes`."""
    for float_dtype in float_dtypes:
        with using_backend(REFERENCE):
            want, want_grads = run_case(op, case, args, kwargs, float_dtype)
        with using_backend(backend_name):
            got, got_grads = run_case(op, case, args, kwargs, float_dtype)
        what = f"ops.{case.op} on backend {backend_name!r} with {float_dtype} inputs"
        assert_same(got, want, what, rtol, atol)
        assert (got_grads is None) == (want_grads is None), f"{what}: gradients recorded on one backend only"
        for i, (g, w) in enumerate(zip(got_grads or (), want_grads or (), strict=True)):
            assert_same(g, w, f"{what}: gradient {i}", rtol, atol)


def check_backend_op_case(case, backend_name, max_examples=None, float_dtypes=FLOAT_DTYPES, rtol=None,
                          atol=None):
    """Property test: for calls drawn from `case.calls`, `backend_name` agrees with the NumPy backend."""
    from kcore.plugins import manager

    op = manager().get("op", case.op)
    options = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
               "database": None}
    if max_examples is not None:
        options["max_examples"] = max_examples

    @settings(**options)
    @given(st.data())
    def property_test(data):
        args, kwargs = data.draw(case.calls, label="call")
        check_backend_call(op, case, list(args), kwargs, backend_name, float_dtypes, rtol, atol)

    property_test()


# -- the device and dtype rules ------------------------------------------------------------------------------


def check_backend_instance(backend_name):
    """The backend is installed, is a `kcore.backend.Backend` named `backend_name`, and names its device."""
    from kcore.backend import Backend
    from kcore.plugins import manager

    instance = manager().get("backend", backend_name)()
    assert isinstance(instance, Backend), f"the factory of backend {backend_name!r} returned {instance!r}"
    assert instance.name == backend_name, f"backend {backend_name!r} calls itself {instance.name!r}"
    assert instance.xp is not None, f"backend {backend_name!r} has no array namespace `xp`"
    device = instance.device()
    assert isinstance(device, str) and device, f"backend {backend_name!r}.device() returned {device!r}"


def check_numpy_round_trip(backend_name):
    """NumPy arrays of every common dtype go to the backend and come back unchanged, dtype included."""
    rng = np.random.default_rng(0)
    with using_backend(backend_name) as b:
        for dtype in ("float32", "float64", "float16", "int32", "int64", "uint8", "bool"):
            for shape in ((), (3,), (2, 3)):
                x = (rng.standard_normal(shape) * 10).astype(dtype)
                y = b.asarray(x)
                assert b.is_array(y), f"backend {backend_name!r}: asarray of a {dtype} array is not its array"
                back = b.to_numpy(y)
                assert isinstance(back, np.ndarray | np.generic), f"to_numpy returned {type(back).__name__}"
                assert back.dtype == x.dtype, f"backend {backend_name!r}: {dtype} came back as {back.dtype}"
                np.testing.assert_array_equal(back, x, err_msg=f"backend {backend_name!r}: {dtype} {shape}")
        x = np.arange(12, dtype="float32").reshape(3, 4)
        np.testing.assert_array_equal(b.to_numpy(b.xp.transpose(b.asarray(x))[::2]), x.T[::2],
                                      err_msg="to_numpy of a strided view")
        assert b.asarray(x, dtype="float64").dtype == np.float64, "asarray(x, dtype) ignores dtype"
        assert b.asarray(np.float32(1.5)).dtype == np.float32, "asarray of a NumPy float32 scalar changes dtype"


def check_float32_defaults(backend_name):
    """kcore's float32-first rules hold on this backend: conversions, constructors, variables, random."""
    from kcore import ops, random
    from kcore.variables import Variable

    with using_backend(backend_name) as b:
        made = {
            "convert_to_tensor([1.0, 2.0])": (ops.convert_to_tensor([1.0, 2.0]), "float32"),
            "convert_to_tensor(1.5)": (ops.convert_to_tensor(1.5), "float32"),
            "convert_to_tensor([1, 2])": (ops.convert_to_tensor([1, 2]), "int32"),
            "convert_to_tensor(float64 array)": (ops.convert_to_tensor(np.zeros(2)), "float64"),
            "convert_to_tensor(x, dtype='float32')": (ops.convert_to_tensor(np.zeros(2), dtype="float32"),
                                                      "float32"),
            "zeros((2,))": (ops.zeros((2,)), "float32"),
            "ones((2,))": (ops.ones((2,)), "float32"),
            "full((2,), 3.0)": (ops.full((2,), 3.0), "float32"),
            "eye(2)": (ops.eye(2), "float32"),
            "linspace(0, 1, 3)": (ops.linspace(0, 1, 3), "float32"),
            "arange(3)": (ops.arange(3), "int32"),
            "arange(0.0, 1.0, 0.5)": (ops.arange(0.0, 1.0, 0.5), "float32"),
            "Variable([1.0])": (Variable([1.0]).value, "float32"),
            "Variable(float64 array)": (Variable(np.zeros(2)).value, "float64"),
            "random.normal": (random.normal((2, 3), seed=1), "float32"),
            "random.uniform": (random.uniform((2, 3), seed=1), "float32"),
            "random.truncated_normal": (random.truncated_normal((2, 3), seed=1), "float32"),
            "random.randint": (random.randint((2, 3), 0, 5, seed=1), "int32"),
            "float32 array * 2.0": (ops.multiply(ops.ones((2,)), 2.0), "float32"),
            "mean of float32": (ops.mean(ops.ones((2, 2))), "float32"),
        }
        for what, (value, dtype) in made.items():
            assert b.is_array(value), f"backend {backend_name!r}: {what} is a {type(value).__name__}, not its array"
            assert str(value.dtype) == dtype, f"backend {backend_name!r}: {what} has dtype {value.dtype}, not {dtype}"
        back = ops.convert_to_numpy(ops.convert_to_tensor([[1.0, 2.0]]))
        assert isinstance(back, np.ndarray) and back.dtype == np.float32, "convert_to_numpy: not float32 NumPy"
        np.testing.assert_array_equal(back, [[1.0, 2.0]])


def check_random_numbers(backend_name):
    """Seeded generators repeat themselves, give the dtype asked for, and draw plausible distributions."""
    from kcore import random

    with using_backend(backend_name) as b:
        first = b.to_numpy(b.rng(3).standard_normal((4,), dtype="float32"))
        np.testing.assert_array_equal(first, b.to_numpy(b.rng(3).standard_normal((4,), dtype="float32")),
                                      err_msg=f"backend {backend_name!r}: rng(3) does not repeat itself")
        assert not np.array_equal(first, b.to_numpy(b.rng(4).standard_normal((4,), dtype="float32")))
        assert first.dtype == np.float32
        pair = b.to_numpy(b.rng((7, 1)).random((4,), dtype="float64"))  # SeedGenerators give pairs of ints
        assert pair.dtype == np.float64 and np.all((pair >= 0) & (pair < 1))
        ints = b.to_numpy(b.rng(0).integers(0, 5, size=(200,), dtype="int32"))
        assert ints.dtype == np.int32 and set(np.unique(ints)) == {0, 1, 2, 3, 4}
        assert sorted(b.to_numpy(b.rng(0).permutation(6)).tolist()) == list(range(6))
        normal = b.to_numpy(random.normal((20000,), seed=5))
        assert abs(normal.mean()) < 0.05 and abs(normal.std() - 1) < 0.05, "random.normal is not N(0, 1)"
        np.testing.assert_array_equal(normal, b.to_numpy(random.normal((20000,), seed=5)))


def _descend(steps=25, learning_rate=0.1):
    """A few steps of gradient descent on a least-squares problem, on the active backend."""
    from kcore import ops
    from kcore.autodiff import GradientTape
    from kcore.variables import Variable

    rng = np.random.default_rng(0)
    x = ops.convert_to_tensor(rng.standard_normal((64, 3)).astype("float32"))
    y = ops.matmul(x, ops.convert_to_tensor(np.array([[1.0], [-2.0], [0.5]], "float32"))) + 0.3
    w, bias = Variable(np.zeros((3, 1), "float32")), Variable(np.zeros((1,), "float32"))
    losses = []
    for _ in range(steps):
        with GradientTape() as tape:
            loss = ops.mean(ops.square(ops.matmul(x, w) + bias - y))
        grad_w, grad_b = tape.gradient(loss, [w, bias])
        w.assign_sub(grad_w * learning_rate)
        bias.assign_sub(grad_b * learning_rate)
        losses.append(float(ops.convert_to_numpy(loss.value)))
    return losses, ops.convert_to_numpy(w.value), ops.convert_to_numpy(bias.value)


def check_training_matches_reference(backend_name):
    """Gradient descent through Variables, a tape and assign_sub ends where it ends on the NumPy backend."""
    with using_backend(REFERENCE):
        want_losses, want_w, want_b = _descend()
    with using_backend(backend_name):
        losses, w, b = _descend()
    assert losses[-1] < 0.05 * losses[0], f"backend {backend_name!r}: the loss went {losses[0]} -> {losses[-1]}"
    assert w.dtype == np.float32, f"backend {backend_name!r}: the trained weights became {w.dtype}"
    np.testing.assert_allclose(losses, want_losses, rtol=1e-4, err_msg="losses differ from the NumPy backend's")
    np.testing.assert_allclose(w, want_w, rtol=1e-4, atol=1e-5, err_msg="weights differ from the NumPy backend's")
    np.testing.assert_allclose(b, want_b, rtol=1e-4, atol=1e-5, err_msg="bias differs from the NumPy backend's")


def run_backend_conformance(backend_name, *pytest_args, examples=None):
    """Run the whole conformance suite on `backend_name` in a fresh process; return pytest's exit status.

    Example:
        >>> from kcore.testing import run_backend_conformance
        >>> run_backend_conformance("numpy", "-q", "-x")  # doctest: +SKIP
        0
    """
    env = {**os.environ, "KCORE_BACKEND": backend_name}
    if examples is not None:
        env["KCORE_CONFORMANCE_EXAMPLES"] = str(examples)
    command = [sys.executable, "-m", "pytest", "--pyargs", "kcore.testing.backend_conformance", *pytest_args]
    return subprocess.run(command, env=env, check=False).returncode
