"""LSTM, GRU and SimpleRNN against the published equations, written here as plain NumPy loops in float64, with
weights in Keras 3's layout (so that weights trained in Keras give the same outputs)."""

import warnings

import numpy as np
import pytest

from kcore import GradientTape, Variable, layers, ops

RTOL = ATOL = 1e-5


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softsign(x):
    return x / (1.0 + np.abs(x))


def run_reference(step, x, states, mask=None, go_backwards=False):
    """Keras's RNN semantics around `step(x_t, states) -> new_states` (the output is the first state): a masked
    timestep keeps the states, and outputs the previous output; go_backwards returns the outputs in the order
    they were computed."""
    order = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    outputs = []
    for t in order:
        new = step(x[:, t], states)
        if mask is not None:
            keep = mask[:, t, None]
            new = [np.where(keep, n, s) for n, s in zip(new, states, strict=True)]
        states = new
        outputs.append(states[0])
    return np.stack(outputs, axis=1), states


def lstm_step(kernel, recurrent, bias, activation=np.tanh, recurrent_activation=sigmoid):
    units = recurrent.shape[0]

    def step(x, states):
        h, c = states
        z = x @ kernel + h @ recurrent + (0 if bias is None else bias)
        i = recurrent_activation(z[:, :units])
        f = recurrent_activation(z[:, units: 2 * units])
        candidate = activation(z[:, 2 * units: 3 * units])
        o = recurrent_activation(z[:, 3 * units:])
        c = f * c + i * candidate
        return [o * activation(c), c]

    return step


def gru_step(kernel, recurrent, bias, reset_after, activation=np.tanh):
    units = recurrent.shape[0]
    input_bias = 0 if bias is None else (bias[0] if reset_after else bias)
    recurrent_bias = 0 if bias is None or not reset_after else bias[1]

    def step(x, states):
        (h,) = states
        xz, xr, xh = np.split(x @ kernel + input_bias, 3, axis=1)
        if reset_after:
            hz, hr, hh = np.split(h @ recurrent + recurrent_bias, 3, axis=1)
            z, r = sigmoid(xz + hz), sigmoid(xr + hr)
            candidate = activation(xh + r * hh)
        else:
            z = sigmoid(xz + h @ recurrent[:, :units])
            r = sigmoid(xr + h @ recurrent[:, units: 2 * units])
            candidate = activation(xh + (r * h) @ recurrent[:, 2 * units:])
        return [z * h + (1 - z) * candidate]

    return step


def simple_rnn_step(kernel, recurrent, bias, activation=np.tanh):
    def step(x, states):
        return [activation(x @ kernel + states[0] @ recurrent + (0 if bias is None else bias))]

    return step


def _random(rng, *shape):
    return rng.uniform(-0.8, 0.8, size=shape)


def _case(seed, batch=3, time=6, features=5):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, time, features))
    mask = rng.random((batch, time)) > 0.3
    return rng, x, mask


def _outputs(layer, x, **kwargs):
    result = layer(x.astype("float32"), **kwargs)
    return [np.asarray(r) for r in result] if isinstance(result, list) else [np.asarray(result)]


CONFIGS = [
    {},
    {"return_sequences": True},
    {"return_state": True},
    {"return_sequences": True, "return_state": True, "go_backwards": True},
    {"return_sequences": True, "masked": True},
    {"return_state": True, "go_backwards": True, "masked": True, "initial_state": True},
]


def _check(layer, reference_step, x, mask, config, states, rng, units):
    kwargs = {}
    if config.get("masked"):
        kwargs["mask"] = mask
    if config.get("initial_state"):
        states = [_random(rng, x.shape[0], units) for _ in states]
        kwargs["initial_state"] = [s.astype("float32") for s in states]
    sequence, final = run_reference(reference_step, x, states, mask if config.get("masked") else None,
                                    config.get("go_backwards", False))
    expected = [sequence if config.get("return_sequences") else sequence[:, -1]]
    if config.get("return_state"):
        expected += final
    got = _outputs(layer, x, **kwargs)
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, e, rtol=RTOL, atol=ATOL)


def _layer_options(config):
    return {k: v for k, v in config.items() if k in ("return_sequences", "return_state", "go_backwards")}


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("activation", ["tanh", "softsign"])
def test_lstm_outputs_and_states_follow_the_published_equations(config, activation):
    rng, x, mask = _case(0)
    units = 4
    layer = layers.LSTM(units, activation=activation, **_layer_options(config))
    layer.build((None, x.shape[1], x.shape[2]))
    weights = [_random(rng, 5, 4 * units), _random(rng, units, 4 * units), _random(rng, 4 * units)]
    layer.set_weights([w.astype("float32") for w in weights])
    step = lstm_step(*weights, activation=np.tanh if activation == "tanh" else softsign)
    _check(layer, step, x, mask, config, [np.zeros((3, units))] * 2, rng, units)


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_outputs_and_states_follow_the_published_equations(config, reset_after):
    rng, x, mask = _case(1)
    units = 4
    layer = layers.GRU(units, reset_after=reset_after, **_layer_options(config))
    layer.build((None, x.shape[1], x.shape[2]))
    bias = _random(rng, 2, 3 * units) if reset_after else _random(rng, 3 * units)
    weights = [_random(rng, 5, 3 * units), _random(rng, units, 3 * units), bias]
    layer.set_weights([w.astype("float32") for w in weights])
    _check(layer, gru_step(*weights, reset_after=reset_after), x, mask, config, [np.zeros((3, units))], rng, units)


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("activation", ["tanh", "softsign"])
def test_simple_rnn_outputs_and_states_follow_the_published_equation(config, activation):
    rng, x, mask = _case(2)
    units = 3
    layer = layers.SimpleRNN(units, activation=activation, **_layer_options(config))
    layer.build((None, x.shape[1], x.shape[2]))
    weights = [_random(rng, 5, units), _random(rng, units, units), _random(rng, units)]
    layer.set_weights([w.astype("float32") for w in weights])
    step = simple_rnn_step(*weights, activation=np.tanh if activation == "tanh" else softsign)
    _check(layer, step, x, mask, config, [np.zeros((3, units))], rng, units)


def test_gru_with_a_reset_gate_in_softsign_steps_the_cell_and_still_follows_the_equations():
    rng, x, mask = _case(3)
    layer = layers.GRU(3, activation="softsign", return_sequences=True)
    layer.build((None, 6, 5))
    weights = [_random(rng, 5, 9), _random(rng, 3, 9), _random(rng, 2, 9)]
    layer.set_weights([w.astype("float32") for w in weights])
    expected, _ = run_reference(gru_step(*weights, reset_after=True, activation=softsign), x, [np.zeros((3, 3))],
                                mask)
    np.testing.assert_allclose(np.asarray(layer(x.astype("float32"), mask=mask)), expected, rtol=RTOL, atol=ATOL)


def test_layers_without_bias_follow_the_equations():
    rng, x, _ = _case(4)
    for layer, step in (
            (layers.LSTM(2, use_bias=False), lambda k, r: lstm_step(k, r, None)),
            (layers.GRU(2, use_bias=False), lambda k, r: gru_step(k, r, None, reset_after=True)),
            (layers.SimpleRNN(2, use_bias=False), lambda k, r: simple_rnn_step(k, r, None))):
        layer.build((None, 6, 5))
        weights = [_random(rng, *w.shape) for w in layer.get_weights()]
        layer.set_weights([w.astype("float32") for w in weights])
        states = [np.zeros((3, 2))] * len(layer.state_size)
        expected, _ = run_reference(step(*weights), x, states)
        np.testing.assert_allclose(np.asarray(layer(x.astype("float32"))), expected[:, -1], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(("layer", "shapes"), [
    (lambda: layers.LSTM(4), [(5, 16), (4, 16), (16,)]),
    (lambda: layers.GRU(4), [(5, 12), (4, 12), (2, 12)]),
    (lambda: layers.GRU(4, reset_after=False), [(5, 12), (4, 12), (12,)]),
    (lambda: layers.SimpleRNN(4), [(5, 4), (4, 4), (4,)]),
])
def test_weights_have_keras_3_shapes_order_and_live_in_the_cell(layer, shapes):
    layer = layer()
    layer(np.zeros((2, 3, 5), "float32"))
    assert [w.shape for w in layer.weights] == shapes
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert layer.cell.kernel is layer.weights[0] and layer.cell.recurrent_kernel is layer.weights[1]


def test_lstm_unit_forget_bias_starts_the_forget_gate_at_one():
    layer = layers.LSTM(3)
    layer(np.zeros((1, 2, 2), "float32"))
    np.testing.assert_array_equal(layer.cell.bias.numpy(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    plain = layers.LSTM(3, unit_forget_bias=False)
    plain(np.zeros((1, 2, 2), "float32"))
    np.testing.assert_array_equal(plain.cell.bias.numpy(), np.zeros(12))


def test_recurrent_kernel_starts_orthogonal():
    layer = layers.LSTM(4)
    layer(np.zeros((1, 2, 3), "float32"))
    recurrent = layer.cell.recurrent_kernel.numpy()
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(4), atol=1e-5)


NUMPY_ACTIVATIONS = {"tanh": np.tanh, "sigmoid": sigmoid, "relu": lambda x: np.maximum(x, 0),
                     "hard_sigmoid": lambda x: np.clip((x + 3) / 6, 0, 1), "linear": lambda x: x}


@pytest.mark.parametrize(("activation", "recurrent_activation"), [
    ("tanh", "sigmoid"), ("relu", "hard_sigmoid"), ("linear", "tanh"), ("sigmoid", "sigmoid"), ("tanh", "linear")])
@pytest.mark.parametrize(("masked", "go_backwards"), [(False, False), (True, True)])
def test_the_lstm_op_follows_the_equations_for_every_fused_activation(activation, recurrent_activation, masked,
                                                                      go_backwards):
    """The default pair takes the op's exp-only fast path; every other pair its general path."""
    rng, x, mask = _case(5)
    kernel, recurrent, bias = _random(rng, 5, 16), _random(rng, 4, 16), _random(rng, 16)
    h0, c0 = _random(rng, 3, 4), _random(rng, 3, 4)
    mask = mask if masked else None
    got = np.asarray(ops.lstm(*(a.astype("float32") for a in (x, kernel, recurrent, bias, h0, c0)), mask=mask,
                              go_backwards=go_backwards, activation=activation,
                              recurrent_activation=recurrent_activation))
    step = lstm_step(kernel, recurrent, bias, NUMPY_ACTIVATIONS[activation], NUMPY_ACTIVATIONS[recurrent_activation])
    sequence, (h, c) = run_reference(step, x, [h0, c0], mask, go_backwards)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.concatenate([sequence, h[:, None], c[:, None]], axis=1), rtol=RTOL, atol=ATOL)


def test_saturated_lstm_gates_reach_their_limits_without_overflow_warnings():
    """Pre-activations of several hundred overflow float32's exp (the fast path's sigmoid is 1 / (1 + exp(-a)));
    the gates must still come out as exactly 0 or 1, with no warning."""
    rng = np.random.default_rng(6)
    x = rng.choice([-100.0, 100.0], size=(2, 4, 3))
    kernel, recurrent = rng.choice([-1.0, 1.0], size=(3, 8)), rng.choice([-1.0, 1.0], size=(2, 8))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = np.asarray(ops.lstm(x.astype("float32"), kernel.astype("float32"), recurrent.astype("float32")))
    sequence, (h, c) = run_reference(lstm_step(kernel, recurrent, None), x, [np.zeros((2, 2))] * 2)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, np.concatenate([sequence, h[:, None], c[:, None]], axis=1), rtol=RTOL, atol=ATOL)


def test_lstm_gradients_stay_in_float32():
    rng, x, _ = _case(7)
    weights = [Variable(_random(rng, *shape).astype("float32")) for shape in ((5, 16), (4, 16), (16,))]
    with GradientTape() as tape:
        loss = ops.sum(ops.lstm(x.astype("float32"), *weights))
    grads = tape.gradient(loss, weights)
    assert [g.dtype for g in grads] == [np.float32] * 3
    assert all(np.all(np.isfinite(np.asarray(g))) for g in grads)
