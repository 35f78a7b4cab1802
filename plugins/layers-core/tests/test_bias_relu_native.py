"""`numpy.bias_relu`: Dense's and the convolutions' relu tail in C. It must give exactly what the op as written
gives, forward and backward, on one thread or several, and hand back the calls it was not written for."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kcore_backend_numpy import native
from kcore_layers_core import fused_native
from kcore_layers_core.fused import bias_relu

import kcore

pytestmark = pytest.mark.skipif(fused_native.compiled() is None, reason="no C compiler: the kernel cannot be built")


@pytest.fixture(autouse=True)
def _numpy_backend():
    kcore.backend.get()  # the kernels are called directly here, not through an op that would start the backend


def _both(outputs, bias, cotangent, overwrite=False):
    """(value, d_outputs, d_bias) from the kernel and from the op as written, on copies."""
    results = []
    for run in (fused_native.bias_relu, bias_relu.fn):
        y, (d_outputs, d_bias) = run(np, outputs.copy(), bias, overwrite)
        results.append((y, d_outputs(cotangent), d_bias(cotangent)))
    return results


@settings(max_examples=40, deadline=None)
@given(lead=st.lists(st.integers(1, 9), min_size=0, max_size=3), channels=st.integers(1, 70),
       threads=st.sampled_from([1, 2, 5]), seed=st.integers(0, 2**16))
def test_the_kernel_equals_the_op_on_any_number_of_threads(lead, channels, threads, seed):
    rng = np.random.default_rng(seed)
    outputs = rng.standard_normal((*lead, channels)).astype("float32")
    bias = rng.standard_normal(channels).astype("float32")
    cotangent = rng.standard_normal(outputs.shape).astype("float32")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(native, "threads", lambda: threads)
        patch.setattr(fused_native, "_ROWS_PER_THREAD", 1)  # split even small arrays, to test the split
        (y, dx, db), (y_ref, dx_ref, db_ref) = _both(outputs, bias, cotangent)
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(dx, dx_ref)
    np.testing.assert_allclose(db, db_ref, rtol=1e-6)
    assert y.dtype == dx.dtype == db.dtype == np.float32


@settings(max_examples=40, deadline=None)
@given(lead=st.lists(st.integers(1, 9), min_size=0, max_size=3), channels=st.integers(1, 70),
       threads=st.sampled_from([1, 2, 5]), overwrite=st.booleans(), seed=st.integers(0, 2**16))
def test_the_value_only_form_gives_the_value_of_the_op(lead, channels, threads, overwrite, seed):
    rng = np.random.default_rng(seed)
    outputs = rng.standard_normal((*lead, channels)).astype("float32")
    bias = rng.standard_normal(channels).astype("float32")
    expected, _ = bias_relu.fn(np, outputs.copy(), bias)
    given_outputs = outputs.copy()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(native, "threads", lambda: threads)
        patch.setattr(fused_native, "_ROWS_PER_THREAD", 1)
        y = fused_native.bias_relu.value_only(np, given_outputs, bias, overwrite)
    np.testing.assert_array_equal(y, expected)
    assert y.dtype == np.float32 and (y is given_outputs) == overwrite
    if not overwrite:
        np.testing.assert_array_equal(given_outputs, outputs)


def test_without_a_tape_the_op_runs_the_value_only_form_and_under_one_the_whole_kernel(monkeypatch):
    bias_relu(np.ones((1, 2), "float32"), np.ones(2, "float32"))  # binds the kernels
    assert bias_relu.impl is fused_native.bias_relu and bias_relu.value_impl is fused_native.bias_relu.value_only
    ran = []
    for name in ("bias_relu", "relu_gradient"):
        original = getattr(fused_native.compiled(), name)
        monkeypatch.setattr(fused_native.compiled(), name, lambda *a, f=original, n=name: ran.append(n) or f(*a))
    layer = kcore.layers.Dense(5, activation="relu", bias_initializer="random_normal")
    x = np.random.default_rng(2).standard_normal((4, 3)).astype("float32")
    inference = layer(x)
    assert ran == ["bias_relu"]
    with kcore.GradientTape() as tape:
        recorded = layer(x)
        total = kcore.ops.sum(recorded)
    tape.gradient(total, layer.kernel)
    assert ran == ["bias_relu", "bias_relu", "relu_gradient"]
    np.testing.assert_array_equal(inference, recorded.value)


def test_a_convolution_sized_batch_is_split_between_threads_and_stays_exact(monkeypatch):
    parts = []
    original = native.split
    monkeypatch.setattr(native, "threads", lambda: 2)
    monkeypatch.setattr(native, "split", lambda f, n, *a, **k: parts.append(n) or original(f, n, *a, **k))
    rng = np.random.default_rng(0)
    outputs = rng.standard_normal((64, 26, 26, 32)).astype("float32")
    bias = rng.standard_normal(32).astype("float32")
    (y, dx, _), (y_ref, dx_ref, _) = _both(outputs, bias, rng.standard_normal(outputs.shape).astype("float32"))
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(dx, dx_ref)
    assert parts


@pytest.mark.parametrize("overwrite", [True, False])
def test_overwrite_decides_whether_the_outputs_array_is_reused(overwrite):
    outputs = np.array([[-1.0, 2.0], [3.0, -4.0]], "float32")
    before = outputs.copy()
    y, _ = fused_native.bias_relu(np, outputs, np.array([0.5, 0.5], "float32"), overwrite)
    np.testing.assert_array_equal(y, [[0.0, 2.5], [3.5, 0.0]])
    assert (y is outputs) == overwrite
    if not overwrite:
        np.testing.assert_array_equal(outputs, before)


@pytest.mark.parametrize("case", ["float64", "bias per row", "transposed"])
def test_calls_the_kernel_was_not_written_for_run_the_op_as_written(case, monkeypatch):
    monkeypatch.setattr(fused_native, "compiled", lambda: pytest.fail("the C kernel ran"))
    rng = np.random.default_rng(1)
    outputs, bias = rng.standard_normal((4, 3)).astype("float32"), rng.standard_normal(3).astype("float32")
    if case == "float64":
        outputs, bias = outputs.astype("float64"), bias.astype("float64")
    elif case == "bias per row":
        bias = rng.standard_normal((4, 1)).astype("float32")
    else:
        outputs = np.ascontiguousarray(outputs.T).T
    y, _ = fused_native.bias_relu(np, outputs, bias)
    np.testing.assert_array_equal(y, np.maximum(outputs + bias, 0))


def test_a_relu_model_trains_to_the_same_weights_with_and_without_the_kernel(monkeypatch):
    def train():
        kcore.utils.set_random_seed(7)
        model = kcore.Sequential([kcore.layers.Input((12,)), kcore.layers.Dense(40, activation="relu"),
                                  kcore.layers.Dense(3)])
        model.compile(optimizer="sgd", loss=kcore.losses.SparseCategoricalCrossentropy(from_logits=True))
        rng = np.random.default_rng(0)
        model.fit(rng.standard_normal((64, 12)).astype("float32"), rng.integers(0, 3, 64), batch_size=16,
                  epochs=2, verbose=0)
        return model.get_weights(), model.predict(np.ones((2, 12), "float32"), verbose=0)

    with_kernel = train()
    monkeypatch.setattr(fused_native, "compiled", lambda: None)
    without = train()
    for a, b in zip(with_kernel[0] + [with_kernel[1]], without[0] + [without[1]], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
