"""The `numpy.conv` kernel: where nothing records, `conv`'s im2col matrix is built in C and multiplied by NumPy's
BLAS as the op does. The matrix is the op's, so the values must be the op's to the bit, on one thread or several;
under a tape the op as written runs, with its gradients; and every call the C pass was not written for runs the op
as written."""

import concurrent.futures

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kcore_layers_conv.cases.ops import windows as window_calls
from kcore_layers_conv.ops import conv_native, geometry, windows
from kcore_layers_conv.ops.conv import conv

import kcore
from kcore.autodiff import GradientTape

pytestmark = pytest.mark.skipif(conv_native.compiled() is None, reason="no C compiler: the kernel cannot be built")
written = conv.fn
value_only = conv_native.conv.value_only


@pytest.fixture(autouse=True)
def _numpy_backend():
    kcore.backend.get()  # the kernels are called directly here, not through an op that would start the backend


@st.composite
def conv_calls(draw):
    """(x, kernel, strides, padding, data_format, dilation_rate), float32: 1D, 2D or 3D, both layouts, odd sizes,
    strides, dilations, "valid", "same" and "causal" padding, few channels (the transposed matrix) or more."""
    _, fmt, kernel, strides, dilations, padding, spatial = draw(window_calls(causal=True))
    channels = draw(st.sampled_from([1, 2, 3, 4, 5, 8, 17]))
    filters, batch = draw(st.integers(1, 9)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    shape = (batch, *spatial, channels) if fmt == "channels_last" else (batch, channels, *spatial)
    x = rng.standard_normal(shape, "float32")
    k = rng.standard_normal((*kernel, channels, filters), "float32")
    return x, k, draw(st.sampled_from([strides, list(strides)])), padding, fmt, dilations


@settings(max_examples=150, deadline=None)
@given(call=conv_calls())
def test_the_value_only_kernel_gives_the_op_s_values_exactly(call):
    value = value_only(np, *call)
    expected, _ = written(np, *call)
    assert value.dtype == np.float32 and value.shape == expected.shape
    np.testing.assert_array_equal(value, expected)


@pytest.mark.parametrize("channels", [1, 3, 4, 5, 32])
def test_the_c_matrix_is_the_one_windows_im2col_makes(channels):
    x = np.random.default_rng(0).standard_normal((2, 9, 8, channels)).astype("float32")
    k = np.zeros((3, 2, channels, 4), "float32")
    strides, dilations, padding = (2, 1), (1, 2), "same"
    plan = conv_native._plan(np, x.shape, k.shape, strides, padding, dilations, None)
    win = geometry.window("conv", x.shape[1:-1], k.shape[:-2], strides, padding, dilations)
    padded = windows.pad_spatial(np, x, win.pads)
    expected = windows.im2col(np, padded, win.kernel, win.strides, win.dilations, win.out)[0]
    address = plan.address
    native = conv_native._native()
    if channels <= windows.FEW_CHANNELS:
        cols = np.full(expected.T.shape, np.nan, "float32")
        conv_native.compiled().im2col_transposed(0, 2, native.address(x), native.address(cols), address)
        cols = cols.T
    else:
        cols = np.full(expected.shape, np.nan, "float32")
        conv_native.compiled().im2col(0, 2, native.address(x), native.address(cols), address)
    np.testing.assert_array_equal(cols, expected)


@pytest.mark.parametrize("channels", [2, 16])
def test_the_batch_split_over_threads_gives_the_same_bits(channels, monkeypatch):
    from kcore_backend_numpy import native

    x = np.random.default_rng(1).standard_normal((7, 10, 9, channels)).astype("float32")
    k = np.random.default_rng(2).standard_normal((3, 3, channels, 5)).astype("float32")
    expected, _ = written(np, x, k, 1, "same", "channels_last", 1)
    ranges = []
    split = native.split
    monkeypatch.setattr(native, "split", lambda function, count, *a, **kw: split(
        lambda start, stop, *b: ranges.append((start, stop)) or function(start, stop, *b), count, *a, **kw))
    monkeypatch.setattr(conv_native, "_PER_THREAD", 1)
    monkeypatch.setattr(native, "threads", lambda: 4)
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        monkeypatch.setattr(native, "_pool", lambda pid: pool)
        value = value_only(np, x, k, 1, "same", "channels_last", 1)
    assert sorted(ranges) == [(0, 1), (1, 3), (3, 5), (5, 7)]
    np.testing.assert_array_equal(value, expected)


def _refuse_c(monkeypatch):
    monkeypatch.setattr(conv_native, "_run", lambda *a: pytest.fail("the C pass ran"))


@pytest.mark.parametrize("case", ["float64", "float64 kernel", "groups", "no compiler"])
def test_calls_the_kernel_was_not_written_for_run_the_op_s_value_only_form(case, monkeypatch):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 7, 6, 4)).astype("float64" if case == "float64" else "float32")
    k = rng.standard_normal((3, 3, 2 if case == "groups" else 4, 6))
    k = k.astype("float64" if case in ("float64", "float64 kernel") else "float32")
    if case == "no compiler":
        monkeypatch.setattr(conv_native, "compiled", lambda: None)
    _refuse_c(monkeypatch)
    value = value_only(np, x, k, 1, "valid", None, 1)
    expected, _ = written(np, x, k, 1, "valid", None, 1)
    assert value.dtype == expected.dtype
    np.testing.assert_array_equal(value, expected)


def test_bad_calls_raise_the_op_s_errors():
    with pytest.raises(kcore.errors.ShapeError, match=r"ops\.conv takes inputs of rank 3, 4 or 5"):
        kcore.ops.conv(np.ones((5, 5), "float32"), np.ones((3, 3, 1, 2), "float32"))
    with pytest.raises(kcore.errors.ShapeError, match="does not fit"):
        kcore.ops.conv(np.ones((1, 2, 2, 1), "float32"), np.ones((3, 3, 1, 2), "float32"))


def test_on_the_numpy_backend_inference_runs_the_c_pass_and_a_tape_the_op_as_written(monkeypatch):
    kcore.ops.conv(np.ones((1, 3, 3, 1), "float32"), np.ones((2, 2, 1, 1), "float32"))  # binds the kernels
    assert kcore.ops.conv.impl is conv_native.conv and kcore.ops.conv.value_impl is value_only
    ran = []
    original = conv_native._run
    monkeypatch.setattr(conv_native, "_run", lambda function, *a: ran.append(function.__name__) or
                        original(function, *a))
    layer = kcore.layers.Conv2D(4, 3, activation="relu", bias_initializer="random_normal")
    x = np.random.default_rng(4).standard_normal((2, 8, 8, 3)).astype("float32")
    inference = layer(x)
    assert ran == ["im2col_transposed"]
    with GradientTape() as tape:
        watched = tape.watch(x)
        recorded = layer(watched)
        loss = kcore.ops.sum(recorded * recorded)
    grads = tape.gradient(loss, [watched, layer.kernel, layer.bias])
    assert ran == ["im2col_transposed"]  # the tape ran the op as written
    np.testing.assert_array_equal(inference, recorded.value)

    # the gradients are those of the op as written and the relu tail, computed here by hand
    y, (input_vjp, kernel_vjp) = written(np, x, layer.kernel.value, 1, "valid", "channels_last", 1)
    pre = y + layer.bias.value
    g = 2 * np.maximum(pre, 0) * (pre > 0)
    np.testing.assert_allclose(grads[0], input_vjp(g), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads[1], kernel_vjp(g), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(grads[2], g.sum(axis=(0, 1, 2)), rtol=1e-5, atol=1e-5)


def test_separable_convolutions_keep_the_op_as_written_through_the_kernel():
    """separable_conv calls `conv.impl` directly: the kernel's whole form, the op as written."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 6, 6, 3)).astype("float32")
    depthwise = rng.standard_normal((3, 3, 3, 2)).astype("float32")
    pointwise = rng.standard_normal((1, 1, 6, 4)).astype("float32")
    kcore.ops.conv(np.ones((1, 3, 3, 1), "float32"), np.ones((2, 2, 1, 1), "float32"))
    value = kcore.ops.separable_conv(x, depthwise, pointwise)
    middle = kcore.ops.depthwise_conv(x, depthwise)
    np.testing.assert_array_equal(value, written(np, middle, pointwise)[0])
