"""`numpy.adam_update`: Adam's update in one pass of C. It must give what `update_in_place` gives, be what Adam
runs on the NumPy backend, and leave the calls it was not written for to `update_in_place`."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kcore_optimizers import adam, adam_native

import kcore

pytestmark = pytest.mark.skipif(adam_native.compiled() is None, reason="no C compiler: the kernel cannot be built")
STEP = {"alpha": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}


def _state(seed, shape, dtype="float32"):
    rng = np.random.default_rng(seed)
    w, g, m = (rng.standard_normal(shape).astype(dtype) for _ in range(3))
    return [w, g, m, np.abs(rng.standard_normal(shape)).astype(dtype)]


@settings(max_examples=30, deadline=None)
@given(size=st.integers(1, 70_000), seed=st.integers(0, 2**16), steps=st.integers(1, 3))
def test_the_kernel_updates_weights_and_slots_as_update_in_place_does(size, seed, steps):
    native, written = _state(seed, (size,)), _state(seed, (size,))
    for _ in range(steps):
        adam_native.adam_update(np, *native, **STEP)
        adam.update_in_place(np, *written, **STEP)
    for name, a, b in zip(("variable", "gradient", "momentum", "velocity"), native, written, strict=True):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("case", ["float64", "transposed gradient"])
def test_calls_the_kernel_was_not_written_for_run_update_in_place(case, monkeypatch):
    monkeypatch.setattr(adam_native, "compiled", lambda: pytest.fail("the C update ran"))
    dtype = "float64" if case == "float64" else "float32"
    native, written = _state(1, (6, 5), dtype), _state(1, (6, 5), dtype)
    if case == "transposed gradient":
        native[1] = np.ascontiguousarray(native[1].T).T
    adam_native.adam_update(np, *native, **STEP)
    adam.update_in_place(np, *written, **STEP)
    for a, b in zip(native, written, strict=True):
        np.testing.assert_array_equal(a, b)


def test_adam_runs_the_kernel_on_numpy_and_amsgrad_does_not(monkeypatch):
    calls = []
    original = adam_native.adam_update
    monkeypatch.setattr(adam_native, "adam_update", lambda *a, **k: calls.append(1) or original(*a, **k))
    kcore.plugins.reset()  # the registry takes the patched kernel when the plugin registers again
    try:
        for amsgrad, expected in ((False, 2), (True, 0)):
            calls.clear()
            layer = kcore.layers.Dense(3)
            layer.build((None, 4))
            optimizer = kcore.optimizers.Adam(amsgrad=amsgrad)
            optimizer.apply_gradients([(np.ones(v.shape, "float32"), v) for v in layer.trainable_variables])
            assert len(calls) == expected, f"amsgrad={amsgrad}"
    finally:
        kcore.plugins.reset()


def test_training_gives_the_same_weights_with_and_without_the_kernel(monkeypatch):
    def train():
        kcore.utils.set_random_seed(5)
        model = kcore.Sequential([kcore.layers.Input((20,)), kcore.layers.Dense(300, activation="relu"),
                                  kcore.layers.Dense(3)])
        model.compile(optimizer="adam", loss=kcore.losses.SparseCategoricalCrossentropy(from_logits=True))
        rng = np.random.default_rng(0)
        model.fit(rng.standard_normal((64, 20)).astype("float32"), rng.integers(0, 3, 64), batch_size=16,
                  epochs=3, verbose=0)
        return model.get_weights()

    with_kernel = train()
    monkeypatch.setattr(adam_native, "compiled", lambda: None)
    without = train()
    for a, b in zip(with_kernel, without, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
