"""The plugin itself, on any machine: what it declares and registers, that loading it imports no CuPy, and that
its kernels are drop-in replacements for their ops that step aside for what they were not written for."""

import inspect
import subprocess
import sys

import numpy as np
import pytest
from kcore_backend_cupy import kernels

import kcore
from kcore.plugins import manager
from kcore.testing import check_plugin_declarations


def test_plugin_registers_exactly_the_backend_and_kernels_it_declares_and_the_catalogue_lists():
    check_plugin_declarations("kcore-backend-cupy")


def test_declared_kernels_are_those_of_the_kernel_table_and_each_names_a_registered_op():
    declared = {name for kind, name in manager().records()["kcore-backend-cupy"].provides if kind == "kernel"}

    assert declared == {f"cupy.{op}" for op in kernels.KERNELS}
    for op_name in kernels.KERNELS:
        assert manager().registry.find("op", op_name) is not None, f"no op {op_name!r} for kernel cupy.{op_name}"


def test_loading_the_plugin_and_listing_it_import_no_cupy():
    code = ("import sys, kcore.plugins\n"
            "plugins = kcore.plugins.manager()\n"
            "plugins.load('kcore-backend-cupy')\n"
            "print(plugins.registry.find('backend', 'cupy').__name__, 'cupy' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["CupyBackend", "False"], result.stderr


@pytest.mark.parametrize("op_name", sorted(kernels.KERNELS))
def test_each_kernel_takes_exactly_its_ops_arguments_and_defaults(op_name):
    op = getattr(kcore.ops, op_name)
    assert inspect.signature(kernels.KERNELS[op_name]) == inspect.signature(op.fn)


def test_kernels_wait_in_their_ops_until_cupy_is_the_active_backend(keep_backend):
    manager().load("kcore-backend-cupy")
    kcore.backend.activate("numpy")

    for op_name, kernel in kernels.KERNELS.items():
        op = getattr(kcore.ops, op_name)
        assert op.kernels["cupy"] is kernel
        assert op.impl is op.fn, f"ops.{op_name} runs the cupy kernel while the NumPy backend is active"


def _values(result, g):
    out, (vjp,) = result
    return out, vjp(g)


@pytest.mark.parametrize("op_name, params", [("relu", {}), ("sigmoid", {}), ("silu", {}), ("gelu", {}),
                                             ("gelu", {"approximate": False})])
@pytest.mark.parametrize("dtype", ["float16", "int32"])
def test_kernels_hand_dtypes_they_do_not_compile_for_to_the_ops_own_code(op_name, params, dtype):
    """No CuPy here: a kernel that tried to compile would fail, one that hands over gives the op's own values."""
    x = np.array([[-2, -1, 0], [1, 2, 3]]).astype(dtype)
    g = np.linspace(-1, 1, 6).reshape(2, 3).astype("float16" if dtype == "float16" else "float32")
    before = kernels._kernel.cache_info().currsize

    own = getattr(kcore.ops, op_name).fn(np, x, **params)
    got = kernels.KERNELS[op_name](np, x, **params)

    for got_value, own_value in zip(_values(got, g), _values(own, g), strict=True):
        assert got_value.dtype == own_value.dtype
        np.testing.assert_array_equal(got_value, own_value)
    assert kernels._kernel.cache_info().currsize == before


def test_a_cotangent_of_another_dtype_goes_to_the_ops_own_gradient(monkeypatch):
    """The forward of a float32 input is fused; a float64 cotangent then takes the op's own VJP."""

    def fused_gradient(*args):
        raise AssertionError("the fused sigmoid VJP ran on a float64 cotangent")

    stand_ins = {"sigmoid": lambda a: kcore.ops.sigmoid.fn(np, a)[0], "sigmoid_grad": fused_gradient}
    monkeypatch.setattr(kernels, "_kernel", stand_ins.__getitem__)  # no CuPy here: NumPy plays the fused forward
    x = np.linspace(-3, 3, 7, dtype="float32")

    _, (vjp,) = kernels.sigmoid(np, x)
    grad = vjp(np.ones(7, "float64"))

    np.testing.assert_array_equal(grad, kcore.ops.sigmoid.fn(np, x)[1][0](np.ones(7, "float64")))
