"""kcore's testing kit, for kcore's own tests and for plugin authors (needs `pip install kcore[testing]`).

- `check_gradients(fn, args)`: analytic VJPs against central finite differences in float64.
- `strategies`: hypothesis strategies for shapes, broadcasting and kink-free values.
- `OpCase` and `check_op_case`: how an op is tested. A plugin returns its cases from the `kcore_op_cases`
  hook; kcore's suite then checks every registered op's gradient, its float32 dtype, its reference values,
  and fails for any op that has no case.
- `LayerCase` and `check_layer_case`: the layer conformance test; `LossCase` and `check_loss_case`: the loss one.
- `check_backend_op_case` and `run_backend_conformance`: the backend conformance suite, every op compared with
  the NumPy backend (the pytest module `kcore.testing.backend_conformance`).
"""

import dataclasses
from collections.abc import Callable

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcore.autodiff import GradientTape, Tensor
from kcore.testing import strategies
from kcore.testing.backends import check_backend_op_case, run_backend_conformance
from kcore.testing.gradcheck import check_gradients, numeric_vjp
from kcore.testing.layers import LayerCase, check_layer_case, collect_layer_cases
from kcore.testing.losses import LossCase, check_loss_case, collect_loss_cases
from kcore.testing.plugins import check_plugin_declarations

__all__ = ["LayerCase", "LossCase", "OpCase", "check_backend_op_case", "check_gradients", "check_layer_case",
           "check_loss_case", "check_op_case", "check_plugin_declarations", "collect_layer_cases",
           "collect_loss_cases", "collect_op_cases", "numeric_vjp", "run_backend_conformance", "strategies"]


@dataclasses.dataclass(frozen=True)
class OpCase:
    """How to test one registered op.

    Args:
        op: the op's registered name.
        calls: a strategy of `(args, kwargs)`; array arguments are float64 NumPy arrays.
        reference: optional NumPy function with the op's signature; the op's values must match it.
        rtol, atol: tolerances of the gradient check.
        wrt: positions of the arguments to differentiate (default: every float64 array among the inputs).
        keeps_float32: whether float32 inputs must give a float32 output (False for a cast).
    """

    op: str
    calls: st.SearchStrategy
    reference: Callable | None = None
    rtol: float = 1e-4
    atol: float = 1e-6
    wrt: tuple | None = None
    keeps_float32: bool = True


def _is_float_array(value):
    return isinstance(value, np.ndarray) and value.dtype.kind == "f"


def _as_float32(value):
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value.astype(np.float32)
    return value


def check_call(op, case, args, kwargs):
    """One example of `case`: reference values, float32 in -> float32 out, and the gradient."""
    out = op(*args, **kwargs)
    if case.reference is not None:
        np.testing.assert_allclose(np.asarray(out, dtype=np.float64) if np.asarray(out).dtype.kind == "f"
                                   else np.asarray(out), case.reference(*args, **kwargs),
                                   rtol=1e-6, atol=1e-9, err_msg=f"ops.{case.op} differs from its reference")
    if case.keeps_float32 and np.asarray(out).dtype == np.float64:
        out32 = op(*[_as_float32(a) for a in args], **kwargs)
        assert np.asarray(out32).dtype == np.float32, (
            f"ops.{case.op} turned float32 inputs into {np.asarray(out32).dtype}: a silent upcast")
    inputs = len(args) if op.inputs is None else op.inputs
    if op.value_fn is not None:  # the inference path must give what the differentiable one gives
        with GradientTape() as tape:
            recorded = op(*[tape.watch(a) if i < inputs and _is_float_array(a) else a for i, a in enumerate(args)],
                          **kwargs)
        np.testing.assert_array_equal(np.asarray(getattr(recorded, "value", recorded)), np.asarray(out),
                                      err_msg=f"ops.{case.op}: its value_only path differs from the op")
    wrt = case.wrt if case.wrt is not None else [
        i for i, a in enumerate(args[:inputs]) if isinstance(a, np.ndarray) and a.dtype == np.float64]
    if op.differentiable:
        check_gradients(op, args, kwargs, wrt=wrt, rtol=case.rtol, atol=case.atol, name=f"ops.{case.op}")
        if case.keeps_float32 and wrt:
            _check_float32_gradients(op, case, args, kwargs, wrt)
    else:
        with GradientTape() as tape:
            traced = [tape.watch(a) if i in wrt else a for i, a in enumerate(args)]
            assert not isinstance(op(*traced, **kwargs), Tensor), (
                f"ops.{case.op} is marked non-differentiable but recorded a gradient edge")


def _check_float32_gradients(op, case, args, kwargs, wrt):
    from kcore.autodiff import gradients

    args32 = [_as_float32(a) for a in args]
    with GradientTape() as tape:
        leaves = [tape.watch(args32[i]) for i in wrt]
        traced = list(args32)
        for i, leaf in zip(wrt, leaves, strict=True):
            traced[i] = leaf
        out = op(*traced, **kwargs)
    for i, grad in zip(wrt, gradients(out, leaves, unconnected_gradients="zero"), strict=True):
        assert np.asarray(grad).dtype == np.float32, (
            f"ops.{case.op}: the gradient of float32 argument {i} is {np.asarray(grad).dtype}: a silent upcast")


def check_op_case(case, max_examples=None):
    """Run `case` as a hypothesis property test."""
    from kcore.plugins import manager

    op = manager().get("op", case.op)
    options = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much]}
    if max_examples is not None:
        options["max_examples"] = max_examples

    @settings(**options)
    @given(st.data())
    def property_test(data):
        args, kwargs = data.draw(case.calls, label="call")
        check_call(op, case, list(args), kwargs)

    property_test()


def collect_op_cases(errors=None):
    """Every installed plugin's op cases, by op name (loads every plugin). A plugin whose hook fails is left
    out and reported (see `kcore.testing.collection.plugin_cases`)."""
    from kcore.errors import DuplicateNameError
    from kcore.testing.collection import plugin_cases

    cases, owners = {}, {}
    for plugin, case in plugin_cases("kcore_op_cases", OpCase, errors):
        if case.op in cases:
            raise DuplicateNameError(f"Both {owners[case.op]} and {plugin} give a test case for the op "
                                     f"{case.op!r}; keep one.")
        cases[case.op], owners[case.op] = case, plugin
    return cases
