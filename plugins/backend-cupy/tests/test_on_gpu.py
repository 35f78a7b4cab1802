"""Training, prediction and saving on CuPy, against the NumPy backend. Needs CuPy and a CUDA GPU; elsewhere every
test here is skipped with the reason. (Written without a GPU to run them on: not yet run.)"""

import numpy as np
import pytest
from kcore_backend_cupy import kernels, unavailable_reason

import kcore
from kcore import backend, layers

UNAVAILABLE = unavailable_reason()
pytestmark = pytest.mark.skipif(UNAVAILABLE is not None, reason=UNAVAILABLE or "")


@pytest.fixture
def on_cupy():
    previous = backend.active.name
    yield backend.activate("cupy")
    backend.activate(previous or "numpy")


def _data():
    rng = np.random.default_rng(0)
    centers = np.array([[-2.0, 0.0, 1.0, 0.0], [2.0, 0.0, -1.0, 0.0], [0.0, 3.0, 0.0, -1.0]])
    y = rng.integers(0, 3, 256)
    return (centers[y] + rng.normal(0.0, 1.0, (256, 4))).astype("float32"), y


def _model(weights=None):
    kcore.utils.set_random_seed(0)
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(16, activation="gelu"),
                              layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax")])
    model.compile(optimizer=kcore.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    if weights is not None:
        model.set_weights(weights)
    return model


def test_cupy_runs_the_fused_kernels_and_numpy_does_not(on_cupy):
    for op_name, kernel in kernels.KERNELS.items():
        assert getattr(kcore.ops, op_name).impl is kernel
    backend.activate("numpy")
    for op_name in kernels.KERNELS:
        assert getattr(kcore.ops, op_name).impl is getattr(kcore.ops, op_name).fn


def test_fit_keeps_the_weights_on_the_gpu_and_predict_returns_numpy(on_cupy):
    import cupy

    x, y = _data()
    model = _model()

    history = model.fit(x, y, batch_size=32, epochs=5, verbose=0)
    predictions = model.predict(x, verbose=0)

    assert all(isinstance(w.value, cupy.ndarray) for w in model.weights + model.optimizer.variables)
    assert type(predictions) is np.ndarray and predictions.dtype == np.float32 and predictions.shape == (256, 3)
    assert all(type(v) is float for v in history.history["loss"])
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.85


def test_training_from_the_same_weights_lands_where_the_numpy_backend_lands(on_cupy):
    x, y = _data()
    backend.activate("numpy")
    reference = _model()
    start = reference.get_weights()
    want = reference.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
    backend.activate("cupy")
    model = _model(start)

    got = model.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]

    np.testing.assert_allclose(got, want, rtol=1e-4)
    for w, w_ref in zip(model.get_weights(), reference.get_weights(), strict=True):
        assert type(w) is np.ndarray
        np.testing.assert_allclose(w, w_ref, rtol=1e-3, atol=1e-5)


def test_a_model_saved_on_the_gpu_loads_on_the_cpu_and_back_with_its_optimizer_state(on_cupy, tmp_path):
    import cupy

    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    want = model.predict(x, verbose=0)
    model.save(tmp_path / "gpu.keras")

    backend.activate("numpy")
    on_cpu = kcore.saving.load_model(tmp_path / "gpu.keras")
    assert all(type(w.value) is np.ndarray for w in on_cpu.weights)
    np.testing.assert_allclose(on_cpu.predict(x, verbose=0), want, rtol=1e-5, atol=1e-6)
    assert int(on_cpu.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    on_cpu.save(tmp_path / "cpu.keras")

    backend.activate("cupy")
    back = kcore.saving.load_model(tmp_path / "cpu.keras")
    assert all(isinstance(w.value, cupy.ndarray) for w in back.weights)
    np.testing.assert_allclose(back.predict(x, verbose=0), want, rtol=1e-5, atol=1e-6)
    back.fit(x, y, batch_size=32, epochs=1, verbose=0)  # the restored optimizer state trains on
