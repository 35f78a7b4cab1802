"""The `numpy.max_pool` kernel: max_pool's forward and gradient in C. Max is exact, so it must give the op as
written (whose gradients the float64 tests check against finite differences) bit for bit, ties and NaNs included,
on one thread or several, and hand it every call it was not written for."""

import concurrent.futures

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kcore_layers_conv.ops import pooling, pooling_native

import kcore
from kcore.autodiff import GradientTape

pytestmark = pytest.mark.skipif(pooling_native.compiled() is None, reason="no C compiler: the kernel cannot be built")
written = pooling.max_pool.fn


@st.composite
def pool_calls(draw):
    """(x, pool_size, strides, padding, data_format): 1D, 2D or 3D; odd sizes, overlapping windows, "same"
    windows reaching past the input; values that tie often, or not at all, or hold NaNs."""
    rank = draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["valid", "same"]))
    spatial = draw(st.lists(st.integers(1, 9 if rank < 3 else 5), min_size=rank, max_size=rank))
    pool = [draw(st.integers(1, min(n, 4) if padding == "valid" else 4)) for n in spatial]
    strides = draw(st.one_of(st.none(), st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    channels = draw(st.sampled_from([1, 3, 8, 9, 16, 19, 32]))
    fmt = draw(st.sampled_from(["channels_last", "channels_first"]))
    batch = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    values = draw(st.sampled_from(["ties", "normal", "nan"]))
    shape = (batch, *spatial, channels)
    x = rng.integers(-1, 2, shape).astype("float32") if values == "ties" else rng.standard_normal(shape, "float32")
    if values == "nan":
        x[rng.random(shape) < 0.1] = np.nan
    if fmt == "channels_first":
        x = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    return x, tuple(pool), None if strides is None else tuple(strides), padding, fmt


def _value_and_gradient(run, x, *params):
    value, (vjp,) = run(np, x, *params)
    cotangent = np.random.default_rng(1).standard_normal(value.shape).astype(value.dtype)
    return value, vjp(cotangent)


def _assert_identical(a, b, what):
    assert a.dtype == b.dtype == np.float32 and a.shape == b.shape, what
    np.testing.assert_array_equal(a, b, err_msg=what)


@settings(max_examples=150, deadline=None)
@given(call=pool_calls())
def test_the_kernel_gives_the_values_and_gradients_of_the_op_as_written_exactly(call):
    x, *params = call
    value_c, grad_c = _value_and_gradient(pooling_native.max_pool, x, *params)
    value_py, grad_py = _value_and_gradient(written, x, *params)
    _assert_identical(value_c, value_py, "value")
    _assert_identical(grad_c, grad_py, "gradient")


@settings(max_examples=150, deadline=None)
@given(call=pool_calls())
def test_the_value_only_kernel_gives_the_op_s_values_exactly(call):
    """Inference keeps no winners: `max_pool_values`, a pass of its own, must still give the op's maxima (NaNs
    and ties included)."""
    x, *params = call
    _assert_identical(pooling_native.max_pool.value_only(np, x, *params), written(np, x, *params)[0], "value")


def test_the_value_only_pass_split_over_threads_gives_the_same_bits(monkeypatch):
    from kcore_backend_numpy import native

    x = np.random.default_rng(10).integers(0, 4, (7, 9, 10, 12)).astype("float32")
    expected = written(np, x, 3, 2, "same")[0]
    ranges = []
    split = native.split
    monkeypatch.setattr(native, "split", lambda function, count, *a, **k: split(
        lambda start, stop, *b: ranges.append((start, stop)) or function(start, stop, *b), count, *a, **k))
    monkeypatch.setattr(pooling_native, "_PER_THREAD", 1)
    monkeypatch.setattr(native, "threads", lambda: 4)
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        monkeypatch.setattr(native, "_pool", lambda pid: pool)
        value = pooling_native.max_pool.value_only(np, x, 3, 2, "same")
    assert sorted(ranges) == [(0, 1), (1, 3), (3, 5), (5, 7)]
    _assert_identical(value, expected, "value")


def test_inference_runs_the_value_only_pass_and_a_tape_the_forward_that_keeps_the_winners(monkeypatch):
    kcore.ops.max_pool(np.ones((1, 2, 2, 1), "float32"), 2)  # activates the backend
    assert kcore.ops.max_pool.value_impl is pooling_native.max_pool.value_only
    ran = []
    original = pooling_native._run
    monkeypatch.setattr(pooling_native, "_run", lambda function, *a: ran.append(function.__name__) or
                        original(function, *a))
    x = np.random.default_rng(9).standard_normal((3, 6, 7, 10)).astype("float32")
    inference = kcore.layers.MaxPooling2D(2)(x)
    assert ran == ["max_pool_values"]
    with GradientTape() as tape:
        recorded = kcore.layers.MaxPooling2D(2)(tape.watch(x))
    assert ran == ["max_pool_values", "max_pool_forward"]
    np.testing.assert_array_equal(inference, recorded.value)


def test_a_tie_sends_the_gradient_to_the_first_tap_and_the_padding_never_wins():
    x = np.array([[1, 3, 3, 0], [3, 2, 5, 5]], "float32").reshape(1, 2, 4, 1)
    value, (vjp,) = pooling_native.max_pool(np, x, 2)
    assert value.ravel().tolist() == [3, 5]
    assert vjp(np.ones((1, 1, 2, 1), "float32")).reshape(2, 4).tolist() == [[0, 1, 0, 0], [0, 0, 1, 0]]
    negative = -np.arange(1, 10, dtype="float32").reshape(1, 3, 3, 1)
    value, (vjp,) = pooling_native.max_pool(np, negative, 3, 1, "same")
    assert value[0, :, :, 0].tolist() == [[-1, -1, -2], [-1, -1, -2], [-4, -4, -5]]
    # overlapping windows: -1 wins four of them, -2 two, -4 two, -5 one
    assert vjp(np.ones((1, 3, 3, 1), "float32"))[0, :, :, 0].tolist() == [[4, 2, 0], [2, 1, 0], [0, 0, 0]]


@pytest.mark.parametrize("channels", [255, 300])
def test_many_channels_are_pooled_in_chunks_exactly(channels):
    x = np.random.default_rng(2).integers(0, 3, (2, 5, 4, channels)).astype("float32")
    for params in ((2, None, "valid", "channels_last"), (3, 1, "same", "channels_last")):
        value_c, grad_c = _value_and_gradient(pooling_native.max_pool, x, *params)
        value_py, grad_py = _value_and_gradient(written, x, *params)
        _assert_identical(value_c, value_py, "value")
        _assert_identical(grad_c, grad_py, "gradient")


def _refuse_c(monkeypatch):
    monkeypatch.setattr(pooling_native, "_run", lambda *a: pytest.fail("the C kernel ran"))


@pytest.mark.parametrize("case", ["float64", "more than 255 taps", "no compiler"])
def test_calls_the_kernel_was_not_written_for_run_the_op_as_written(case, monkeypatch):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 8, 8, 8, 3)).astype("float64" if case == "float64" else "float32")
    pool = 7 if case == "more than 255 taps" else 2  # 7 x 7 x 7 = 343 taps
    if case == "no compiler":
        monkeypatch.setattr(pooling_native, "compiled", lambda: None)
    _refuse_c(monkeypatch)
    value, grad = _value_and_gradient(pooling_native.max_pool, x, pool)
    expected_value, expected_grad = _value_and_gradient(written, x, pool)
    assert value.dtype == x.dtype and grad.dtype == x.dtype
    np.testing.assert_array_equal(value, expected_value)
    np.testing.assert_array_equal(grad, expected_grad)


def test_without_a_compiler_inference_runs_the_value_only_form_and_training_the_whole_op(monkeypatch):
    kcore.ops.max_pool(np.ones((1, 2, 2, 1), "float32"), 2)  # activates the backend
    monkeypatch.setattr(pooling_native, "compiled", lambda: None)
    ran = []
    value_only = pooling._max_pool_value
    monkeypatch.setattr(pooling, "_max_pool_value", lambda *a: ran.append("value only") or value_only(*a))
    monkeypatch.setattr(pooling_native, "written", lambda *a: ran.append("whole op") or written(*a))
    x = np.random.default_rng(8).integers(0, 3, (2, 6, 6, 4)).astype("float32")
    expected, (vjp,) = written(np, x, 2)
    np.testing.assert_array_equal(kcore.ops.max_pool(x, 2), expected)
    assert ran == ["value only"]
    ran.clear()
    with GradientTape() as tape:
        watched = tape.watch(x)
        out = kcore.ops.max_pool(watched, 2)
    grad = tape.gradient(out, watched)
    assert ran == ["whole op"]
    np.testing.assert_array_equal(kcore.backend.to_numpy(grad), vjp(np.ones(expected.shape, "float32")))


def test_a_float64_cotangent_is_routed_as_the_op_as_written_routes_it():
    x = np.random.default_rng(4).integers(0, 3, (2, 6, 6, 4)).astype("float32")
    g = np.random.default_rng(5).standard_normal((2, 3, 3, 4))
    _, (vjp_c,) = pooling_native.max_pool(np, x, 2)
    _, (vjp_py,) = written(np, x, 2)
    grad = vjp_c(g)
    assert grad.dtype == np.float64
    np.testing.assert_array_equal(grad, vjp_py(g))


def test_on_the_numpy_backend_the_op_runs_the_kernel_forward_and_backward(monkeypatch):
    kcore.ops.max_pool(np.ones((1, 2, 2, 1), "float32"), 2)  # activates the backend
    assert kcore.ops.max_pool.impl is pooling_native.max_pool
    ran = []
    original = pooling_native._run
    monkeypatch.setattr(pooling_native, "_run", lambda function, *a: ran.append(function.__name__) or
                        original(function, *a))
    x = np.random.default_rng(6).standard_normal((2, 6, 6, 3)).astype("float32")
    with GradientTape() as tape:
        watched = tape.watch(x)
        out = kcore.layers.MaxPooling2D(2)(watched)
    grad = tape.gradient(out, watched)
    assert ran == ["max_pool_forward", "max_pool_backward"]
    expected, (vjp,) = written(np, x, 2)
    np.testing.assert_array_equal(kcore.backend.to_numpy(out), expected)
    np.testing.assert_array_equal(kcore.backend.to_numpy(grad), vjp(np.ones(expected.shape, "float32")))


@pytest.mark.parametrize("params", [(2, None, "valid"), (3, 2, "same"), ((2, 3), 1, "same")])
def test_the_batch_split_over_threads_or_ranges_gives_the_same_bits(params, monkeypatch):
    from kcore_backend_numpy import native

    x = np.random.default_rng(7).integers(0, 4, (7, 9, 10, 12)).astype("float32")
    library = pooling_native.compiled()
    monkeypatch.setattr(native, "threads", lambda: 1)
    expected_value, expected_grad = _value_and_gradient(pooling_native.max_pool, x, *params)

    # the C entry points over explicit batch ranges, written into the same buffers
    *_, win = pooling._setup(np, "max_pool", x, *params, None)
    geometry = pooling_native._geometry(np, win, x.shape[-1])
    value, winner = np.empty(expected_value.shape, "float32"), np.empty(expected_value.shape, "uint8")
    cotangent = np.random.default_rng(1).standard_normal(value.shape).astype("float32")
    grad = np.full(x.shape, np.nan, "float32")
    for start, stop in ((0, 2), (2, 3), (3, 7)):
        library.max_pool_forward(start, stop, *(a.ctypes.data for a in (x, value, winner, geometry)))
        library.max_pool_backward(start, stop, *(a.ctypes.data for a in (cotangent, winner, grad, geometry)))
    np.testing.assert_array_equal(value, expected_value)
    np.testing.assert_array_equal(grad, expected_grad)

    # native.split on four threads
    ranges = []
    split = native.split
    monkeypatch.setattr(native, "split", lambda function, count, *a, **k: split(
        lambda start, stop, *b: ranges.append((start, stop)) or function(start, stop, *b), count, *a, **k))
    monkeypatch.setattr(pooling_native, "_PER_THREAD", 1)
    monkeypatch.setattr(native, "threads", lambda: 4)
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        monkeypatch.setattr(native, "_pool", lambda pid: pool)
        value, grad = _value_and_gradient(pooling_native.max_pool, x, *params)
    assert sorted(ranges) == sorted([(0, 1), (1, 3), (3, 5), (5, 7)] * 2)
    np.testing.assert_array_equal(value, expected_value)
    np.testing.assert_array_equal(grad, expected_grad)


def test_a_convnet_trains_to_the_same_weights_with_and_without_the_kernel(monkeypatch):
    def train():
        kcore.utils.set_random_seed(4)
        model = kcore.Sequential([kcore.layers.Input((12, 12, 2)), kcore.layers.Conv2D(8, 3, activation="relu"),
                                  kcore.layers.MaxPooling2D(2), kcore.layers.Conv2D(8, 2, activation="relu"),
                                  kcore.layers.MaxPooling2D(3, strides=2, padding="same"), kcore.layers.Flatten(),
                                  kcore.layers.Dense(3)])
        model.compile(optimizer="adam", loss=kcore.losses.SparseCategoricalCrossentropy(from_logits=True))
        rng = np.random.default_rng(0)
        model.fit(rng.standard_normal((48, 12, 12, 2)).astype("float32"), rng.integers(0, 3, 48), batch_size=16,
                  epochs=3, verbose=0)
        return model.get_weights()

    ran = []
    original = pooling_native._run
    monkeypatch.setattr(pooling_native, "_run", lambda *a: ran.append(1) or original(*a))
    with_kernel = train()
    assert ran
    monkeypatch.setattr(pooling_native, "compiled", lambda: None)
    without = train()
    for a, b in zip(with_kernel, without, strict=True):
        np.testing.assert_array_equal(a, b)
