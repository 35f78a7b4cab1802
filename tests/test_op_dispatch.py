"""What `Op.__call__` runs: the op's own code or its backend's kernel, and each one's value-only form where no input
needs a gradient, with the arguments it is given (Variables and Tensors as their arrays, lists as arrays)."""

import numpy as np
import pytest

import kcore
from kcore.ops.op import op


@pytest.fixture
def scaled():
    """An op `scaled(x, w, factor)` = x * w * factor, whose every implementation says when it ran."""
    ran = []

    @op(inputs=2)
    def scaled(xp, x, w, factor=1.0):
        ran.append("op")
        out = x * w * factor
        return out, (lambda g: g * w * factor, lambda g: g * x * factor)

    kcore.backend.get()  # the ops below run on the active backend's namespace
    return scaled, ran


def test_without_a_value_only_form_the_op_runs_whole_and_records_only_under_a_tape(scaled):
    scaled, ran = scaled
    x, w = np.array([1.0, 2.0], "float32"), kcore.Variable(np.array([3.0, 4.0], "float32"))
    out = scaled(x, w, factor=2.0)
    assert type(out) is np.ndarray and out.tolist() == [6.0, 16.0] and ran == ["op"]
    with kcore.GradientTape() as tape:
        y = kcore.ops.sum(scaled(x, w, factor=2.0))
    assert tape.gradient(y, w).tolist() == [2.0, 4.0]


def test_the_value_only_form_runs_where_nothing_is_watched_and_the_whole_op_under_a_tape(scaled):
    scaled, ran = scaled

    @scaled.value_only
    def _value(xp, x, w, factor=1.0):
        ran.append("value only")
        return x * w * factor

    x, w = np.array([1.0, 2.0], "float32"), kcore.Variable(np.array([3.0, 4.0], "float32"))
    assert scaled(x, w, factor=2.0).tolist() == [6.0, 16.0]
    assert scaled([1.0, 2.0], np.array([3.0, 4.0], "float32")).tolist() == [3.0, 8.0]  # a list becomes an array
    assert ran == ["value only", "value only"]
    ran.clear()
    with kcore.GradientTape() as tape:
        y = kcore.ops.sum(scaled(x, w, factor=2.0))
        constant = scaled(x, np.array([3.0, 4.0], "float32"))  # nothing watched: the value-only form again
    assert ran == ["op", "value only"] and type(constant) is np.ndarray
    assert tape.gradient(y, w).tolist() == [2.0, 4.0]


def test_a_kernel_replaces_the_op_and_its_value_only_form_and_gives_both_back_when_unbound(scaled):
    scaled, ran = scaled
    scaled.value_only(lambda xp, x, w, factor=1.0: ran.append("op value only") or x * w * factor)

    def kernel(xp, x, w, factor=1.0):
        ran.append("kernel")
        return x * w * factor, (lambda g: g * w * factor, lambda g: g * x * factor)

    x, w = np.array([1.0, 2.0], "float32"), kcore.Variable(np.array([3.0, 4.0], "float32"))
    scaled.kernels["numpy"] = kernel
    scaled.select("numpy")
    try:
        scaled(x, w)  # a kernel without a value-only form runs whole, even where nothing needs a gradient
        assert ran == ["kernel"]
        kernel.value_only = lambda xp, x, w, factor=1.0: ran.append("kernel value only") or x * w * factor
        scaled.select("numpy")
        ran.clear()
        assert scaled(x, w, factor=3.0).tolist() == [9.0, 24.0]
        with kcore.GradientTape() as tape:
            y = kcore.ops.sum(scaled(x, w, factor=3.0))
        assert ran == ["kernel value only", "kernel"]
        assert tape.gradient(y, w).tolist() == [3.0, 6.0]
    finally:
        scaled.kernels.clear()
        scaled.select(None)
    ran.clear()
    scaled(x, w)
    assert ran == ["op value only"] and scaled.impl is scaled.fn


def test_errors_from_the_value_only_form_name_the_op_and_the_shapes(scaled):
    scaled, _ = scaled
    scaled.value_only(lambda xp, x, w, factor=1.0: x * w * factor)
    with pytest.raises(kcore.errors.ShapeError, match=r"ops.scaled .*\(2,\), \(3,\)"):
        scaled(np.ones(2, "float32"), np.ones(3, "float32"))
