"""The `numpy.lstm` kernel: the lstm op's loops over time in C. It must agree with the op as written (whose
gradients the float64 tests check against finite differences), and hand it every call it was not written for."""

import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kcore_layers_recurrent.ops import lstm_native

import kcore

lstm_module = sys.modules["kcore_layers_recurrent.ops.lstm"]
NAMES = ("inputs", "kernel", "recurrent_kernel", "bias", "initial_h", "initial_c")

pytestmark = pytest.mark.skipif(lstm_native.compiled() is None, reason="no C compiler: the kernel cannot be built")


def _has_team():
    from kcore_backend_numpy import team

    return team.team() is not None


@pytest.fixture(params=["sequence", "steps"])
def form(request, monkeypatch):
    """The kernel's two forms: whole sequences on kcore's thread team, where NumPy's OpenBLAS lets it run one, and
    the op as written with each step's elementwise work in C."""
    from kcore_backend_numpy import team

    if request.param == "sequence" and not _has_team():
        pytest.skip("NumPy's BLAS is not an OpenBLAS that kcore's thread team can run")
    if request.param == "steps":
        monkeypatch.setattr(team, "team", lambda: None)
    return request.param


def _arrays(seed, batch, time, features, units, scale, with_bias, with_states):
    rng = np.random.default_rng(seed)

    def draw(*shape):
        return (rng.standard_normal(shape) * scale).astype("float32")

    return (draw(batch, time, features), draw(features, 4 * units), draw(units, 4 * units),
            draw(4 * units) if with_bias else None, draw(batch, units) if with_states else None,
            draw(batch, units) if with_states else None)


def _value_and_gradients(run, arrays, cotangent_seed, **params):
    value, vjps = run(np, *arrays, **params)
    cotangent = np.random.default_rng(cotangent_seed).standard_normal(value.shape).astype("float32")
    return value, {name: vjp(cotangent) for name, vjp in zip(NAMES, vjps, strict=True) if vjp is not None}


def _assert_close(a, b, what):
    scale = max(1.0, float(np.abs(b).max()))
    assert np.abs(a - b).max() <= 1e-5 * scale, f"{what}: worst difference {np.abs(a - b).max()} at scale {scale}"


# the fixture `form` sets one thing for the whole test, the same for every example
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.integers(1, 5), time=st.integers(1, 7), features=st.integers(1, 6), units=st.integers(1, 9),
       scale=st.sampled_from([0.1, 1.0, 30.0]), with_bias=st.booleans(), with_states=st.booleans(),
       go_backwards=st.booleans(), seed=st.integers(0, 2**16))
def test_the_kernel_gives_the_values_and_gradients_of_the_op_as_written(form, batch, time, features, units, scale,
                                                                         with_bias, with_states, go_backwards,
                                                                         seed):
    arrays = _arrays(seed, batch, time, features, units, scale, with_bias, with_states)
    value_c, grads_c = _value_and_gradients(lstm_native.lstm, arrays, seed, go_backwards=go_backwards)
    value_py, grads_py = _value_and_gradients(lstm_module.run, arrays, seed, go_backwards=go_backwards)
    exact = tuple(None if a is None else a.astype("float64") for a in arrays)
    _, grads_64 = _value_and_gradients(lstm_module.run, exact, seed, go_backwards=go_backwards)
    assert value_c.dtype == np.float32 and np.isfinite(value_c).all()
    _assert_close(value_c, value_py, "value")
    assert grads_c.keys() == grads_py.keys()
    for name in grads_py:
        assert grads_c[name].dtype == np.float32
        if scale < 30:
            _assert_close(grads_c[name], grads_py[name], f"gradient of {name}")
        else:
            # pre-activations of tens saturate the gates, and s * (1 - s) from s within an ulp of 1 keeps few digits
            # in float32, in either form: there the kernel must be about as close to float64 as the op as written
            error_c, error_py = (np.abs(g - grads_64[name]).max() for g in (grads_c[name], grads_py[name]))
            allowed = 3 * error_py + 1e-5 * max(1.0, float(np.abs(grads_64[name]).max()))
            assert error_c <= allowed, f"gradient of {name}: {error_c} from float64, the op as written {error_py}"


@pytest.mark.parametrize(("batch", "units"), [(13, 40), (7, 64), (32, 256), (6, 12)])
def test_at_the_sizes_people_train_the_kernel_agrees_with_the_op_as_written(form, batch, units):
    """Wide enough that the units are shared unevenly among threads, the products take their packed form (panels
    of 16 columns and a last one of 8, blocks of 6 rows and a remainder), and for 12 units the unpacked one."""
    arrays = _arrays(7, batch, 9, 11, units, 0.3, True, True)
    value_c, grads_c = _value_and_gradients(lstm_native.lstm, arrays, 8)
    value_py, grads_py = _value_and_gradients(lstm_module.run, arrays, 8)
    _assert_close(value_c, value_py, "value")
    for name in grads_py:
        _assert_close(grads_c[name], grads_py[name], f"gradient of {name}")


def test_saturated_gates_are_exactly_zero_or_one_and_never_nan(form):
    units = 2
    kernel = np.zeros((1, 4 * units), "float32")
    kernel[0, :units] = 1e4  # input gate: +inf pre-activation
    kernel[0, units:2 * units] = -1e4  # forget gate: -inf pre-activation
    kernel[0, 2 * units:3 * units] = 1e4  # candidate: tanh saturates at 1
    kernel[0, 3 * units:] = 1e4  # output gate
    value, _ = lstm_native.lstm(np, np.ones((1, 3, 1), "float32"), kernel, np.zeros((units, 4 * units), "float32"))
    # c = 0 * c + 1 * 1 = 1 at every step, so h = tanh(1)
    np.testing.assert_allclose(value[0, :3], np.tanh(1.0), rtol=1e-6)
    np.testing.assert_allclose(value[0, 4], 1.0, rtol=1e-6)


def test_on_the_numpy_backend_ops_lstm_runs_the_kernel(form, monkeypatch):
    calls = []
    sequence, steps = lstm_native._sequence, lstm_native._Steps.forward
    monkeypatch.setattr(lstm_native, "_sequence", lambda *a, **k: calls.append("sequence") or sequence(*a, **k))
    monkeypatch.setattr(lstm_native._Steps, "forward", lambda self, *a: calls.append("steps") or steps(self, *a))
    layer = kcore.layers.LSTM(4)
    out = layer(np.ones((2, 3, 5), "float32"))
    assert calls == [form] and out.shape == (2, 4)


@pytest.mark.parametrize("case", ["masked", "float64", "relu", "hard_sigmoid"])
def test_calls_the_kernel_was_not_written_for_run_the_op_as_written(case, monkeypatch):
    monkeypatch.setattr(lstm_native._Steps, "forward", lambda *a: pytest.fail("the C steps ran"))
    monkeypatch.setattr(lstm_native, "_sequence", lambda *a, **k: pytest.fail("the C sequence ran"))
    dtype = "float64" if case == "float64" else "float32"
    arrays = [a.astype(dtype) for a in _arrays(0, 2, 4, 3, 5, 1.0, True, False)[:4]]
    params = {"masked": {"mask": np.array([[1, 1, 0, 1], [1, 0, 1, 1]], bool)}, "float64": {},
              "relu": {"activation": "relu"}, "hard_sigmoid": {"recurrent_activation": "hard_sigmoid"}}[case]
    value, _ = lstm_native.lstm(np, *arrays, **params)
    expected, _ = lstm_module.run(np, *arrays, **params)
    np.testing.assert_array_equal(value, expected)


def test_without_a_compiler_the_op_still_runs(monkeypatch):
    monkeypatch.setattr(lstm_native, "compiled", lambda: None)
    arrays = _arrays(1, 2, 3, 4, 5, 1.0, True, True)
    value, _ = lstm_native.lstm(np, *arrays)
    expected, _ = lstm_module.run(np, *arrays)
    np.testing.assert_array_equal(value, expected)


def test_a_model_trains_the_same_with_and_without_the_kernel(form, monkeypatch):
    def train():
        kcore.utils.set_random_seed(3)
        model = kcore.Sequential([kcore.layers.Input((6,), dtype="int32"), kcore.layers.Embedding(7, 4),
                                  kcore.layers.LSTM(5, return_sequences=True), kcore.layers.Dense(7)])
        model.compile(optimizer="adam", loss=kcore.losses.SparseCategoricalCrossentropy(from_logits=True))
        x = np.random.default_rng(0).integers(0, 7, (16, 6))
        history = model.fit(x, np.roll(x, -1, axis=1), batch_size=8, epochs=3, verbose=0)
        return history.history["loss"], model.get_weights()

    losses_c, weights_c = train()
    monkeypatch.setattr(lstm_native, "compiled", lambda: None)
    losses_py, weights_py = train()
    np.testing.assert_allclose(losses_c, losses_py, rtol=1e-5)
    for a, b in zip(weights_c, weights_py, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
