"""ConvLSTM1D/2D/3D against the published equations (Shi et al., 2015, as Keras 3 computes them), written here as
plain NumPy loops in float64 with a convolution by direct summation over the kernel's taps; and their gradients,
states, masks, dropout, saving and errors."""

import math

import numpy as np
import pytest

from kcore import GradientTape, initializers, layers, ops
from kcore.errors import ConfigError, ShapeError
from kcore.testing import check_gradients
from kcore.testing.layers import check_layer_gradients

RTOL = ATOL = 1e-5


# -- the reference -------------------------------------------------------------------------------------------


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def reference_conv(x, w, strides=1, padding="valid", dilation=1):
    """Cross-correlation of x (batch, *spatial, channels) with w (*kernel, channels, out), summed tap by tap.
    "same" pads as TensorFlow: ceil(n / stride) outputs, the odd padded position at the end."""
    rank = x.ndim - 2
    strides, dilation = (np.broadcast_to(v, (rank,)).tolist() for v in (strides, dilation))
    kernel, pads, out = w.shape[:rank], [], []
    for n, k, s, d in zip(x.shape[1:-1], kernel, strides, dilation, strict=True):
        span = (k - 1) * d + 1
        length = math.ceil(n / s) if padding == "same" else (n - span) // s + 1
        total = max((length - 1) * s + span - n, 0) if padding == "same" else 0
        pads.append((total // 2, total - total // 2))
        out.append(length)
    padded = np.pad(x, [(0, 0), *pads, (0, 0)])
    y = np.zeros((x.shape[0], *out, w.shape[-1]))
    for position in np.ndindex(*out):
        for tap in np.ndindex(*kernel):
            source = tuple(p * s + t * d for p, t, s, d in zip(position, tap, strides, dilation, strict=True))
            y[(slice(None), *position)] += padded[(slice(None), *source)] @ w[tap]
    return y


def reference_conv_lstm(x, kernel, recurrent, bias, strides=1, padding="valid", dilation=1,
                        data_format="channels_last", go_backwards=False, states=None, mask=None, masks=None):
    """Outputs of every timestep (in processing order) and the final [h, c]. `masks`: optional per-gate dropout
    masks `(input masks, state masks)`, each a list of four arrays shaped like a frame and like h."""
    first = data_format == "channels_first"
    if first:  # work channels_last: (batch, time, channels, *spatial) -> (batch, time, *spatial, channels)
        x = np.moveaxis(x, 2, -1)
        states = None if states is None else [np.moveaxis(s, 1, -1) for s in states]
        masks = None if masks is None else [[np.moveaxis(m, 1, -1) for m in ms] for ms in masks]
    filters = recurrent.shape[-2]
    if states is None:
        shape = (*reference_conv(x[:, 0], kernel, strides, padding, dilation).shape[:-1], filters)
        states = [np.zeros(shape), np.zeros(shape)]
    h, c = states
    gates = np.split(np.arange(4 * filters), 4)
    outputs = []
    for t in reversed(range(x.shape[1])) if go_backwards else range(x.shape[1]):
        z = np.zeros((*h.shape[:-1], 4 * filters))
        for g, columns in enumerate(gates):
            frame = x[:, t] if masks is None else x[:, t] * masks[0][g]
            state = h if masks is None else h * masks[1][g]
            z[..., columns] = (reference_conv(frame, kernel[..., columns], strides, padding, dilation)
                               + reference_conv(state, recurrent[..., columns], 1, "same", 1))
        z += 0 if bias is None else bias
        z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
        new_c = sigmoid(z_f) * c + sigmoid(z_i) * np.tanh(z_c)
        new_h = sigmoid(z_o) * np.tanh(new_c)
        keep = True if mask is None else mask[:, t].reshape(-1, *(1,) * (h.ndim - 1))
        h, c = np.where(keep, new_h, h), np.where(keep, new_c, c)
        outputs.append(h)
    outputs = np.stack(outputs, axis=1)
    if first:
        return np.moveaxis(outputs, -1, 2), [np.moveaxis(h, -1, 1), np.moveaxis(c, -1, 1)]
    return outputs, [h, c]


def random_weights(layer, rng, scale=0.5):
    layer.set_weights([rng.uniform(-scale, scale, w.shape).astype(w.dtype) for w in layer.get_weights()])
    weights = [np.asarray(w, dtype=np.float64) for w in layer.get_weights()]
    return weights if len(weights) == 3 else [*weights, None]


def _joined(outputs):
    outputs = outputs if isinstance(outputs, list) else [outputs]
    return ops.concatenate([ops.reshape(o, (-1,)) for o in outputs], axis=0)


# -- values --------------------------------------------------------------------------------------------------

CONFIGS = [
    {},
    {"padding": "same"},
    {"padding": "same", "strides": 2, "kernel_size": 2},  # even kernel: "same" pads more at the end
    {"strides": 2},
    {"dilation_rate": 2},
    {"padding": "same", "go_backwards": True, "use_bias": False},
    {"padding": "same", "dilation_rate": 2, "unit_forget_bias": False, "go_backwards": True},
]


@pytest.mark.parametrize("rank", [1, 2])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()) or "defaults")
def test_outputs_and_states_match_the_numpy_reference_equations(rank, data_format, config):
    rng = np.random.default_rng(rank)
    config = {"kernel_size": 3, **config}
    layer = getattr(layers, f"ConvLSTM{rank}D")(3, data_format=data_format, return_sequences=True,
                                                return_state=True, **config)
    frame = (7,) * rank
    shape = (2, 4, *frame, 2) if data_format == "channels_last" else (2, 4, 2, *frame)
    x = rng.uniform(-1, 1, shape).astype("float32")
    layer(x)
    kernel, recurrent, bias = random_weights(layer, rng)
    assert kernel.shape == (*(config["kernel_size"],) * rank, 2, 12) and recurrent.shape[-2:] == (3, 12)

    sequence, h, c = layer(x)
    expected, (h_expected, c_expected) = reference_conv_lstm(
        x.astype(np.float64), kernel, recurrent, bias, config.get("strides", 1), config.get("padding", "valid"),
        config.get("dilation_rate", 1), data_format, config.get("go_backwards", False))
    assert sequence.dtype == np.float32 and sequence.shape == expected.shape
    np.testing.assert_allclose(np.asarray(sequence), expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(np.asarray(h), h_expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(np.asarray(c), c_expected, rtol=RTOL, atol=ATOL)

    last_only = getattr(layers, f"ConvLSTM{rank}D").from_config({**layer.get_config(), "return_sequences": False,
                                                                  "return_state": False})
    last_only(x)
    last_only.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(last_only(x)), expected[:, -1], rtol=RTOL, atol=ATOL)


def test_a_3d_layer_matches_the_reference_with_strides_and_even_kernels():
    rng = np.random.default_rng(3)
    layer = layers.ConvLSTM3D(2, (2, 3, 2), strides=(1, 2, 2), padding="same", return_sequences=True)
    x = rng.uniform(-1, 1, (1, 3, 3, 4, 5, 2)).astype("float32")
    layer(x)
    kernel, recurrent, bias = random_weights(layer, rng)
    expected, _ = reference_conv_lstm(x.astype(np.float64), kernel, recurrent, bias, (1, 2, 2), "same")
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=RTOL, atol=ATOL)


def test_initial_states_and_a_mask_follow_the_reference():
    rng = np.random.default_rng(4)
    layer = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True, return_state=True)
    x = rng.uniform(-1, 1, (2, 5, 4, 4, 3)).astype("float32")
    layer(x)
    kernel, recurrent, bias = random_weights(layer, rng)
    states = [rng.uniform(-1, 1, (2, 4, 4, 2)).astype("float32") for _ in range(2)]
    mask = np.array([[True, False, True, True, False], [False, True, True, False, True]])
    sequence, h, c = layer(x, initial_state=states, mask=mask)
    expected, (h_expected, c_expected) = reference_conv_lstm(x, kernel, recurrent, bias, padding="same",
                                                             states=[s.astype(np.float64) for s in states], mask=mask)
    np.testing.assert_allclose(np.asarray(sequence), expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(np.asarray(h), h_expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(np.asarray(c), c_expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(np.asarray(sequence)[1, 0], states[0][1])  # masked first step: the state


def test_constant_weights_give_the_sums_of_keras_own_tests():
    """The values of keras/src/layers/rnn/conv_lstm_test.py (Keras 3), for the layer and for one cell step."""
    from kcore_layers_recurrent.layers.conv_lstm_cell import ConvLSTMCell

    constants = {"kernel_initializer": initializers.Constant(0.01),
                 "recurrent_initializer": initializers.Constant(0.02)}
    x = np.arange(450).reshape((2, 3, 5, 5, 3)).astype("float32") / 100
    s = np.arange(200).reshape((2, 5, 5, 4)).astype("float32") / 100
    layer = layers.ConvLSTM2D(4, 3, padding="same", **constants)
    np.testing.assert_allclose(np.sum(layer(x, initial_state=[s, s])), 119.812454, rtol=1e-6)

    cell = ConvLSTMCell(2, 4, 3, padding="same", **constants)
    x_cell = np.arange(150).reshape((2, 5, 5, 3)).astype("float32") / 10
    output, (_, c) = cell(x_cell, [s * 10, s * 10])
    np.testing.assert_allclose(np.sum(output), 188.89502, rtol=1e-6)
    np.testing.assert_allclose(np.sum(c), 2170.444, rtol=1e-6)


def test_dropout_draws_one_mask_per_gate_and_sequence_and_is_off_at_inference():
    rng = np.random.default_rng(5)
    layer = layers.ConvLSTM1D(2, 3, padding="same", dropout=0.5, recurrent_dropout=0.5, seed=3,
                              data_format="channels_first", return_sequences=True)
    x = rng.uniform(-1, 1, (2, 4, 3, 6)).astype("float32")
    layer(x)
    kernel, recurrent, bias = random_weights(layer, rng)
    drawn = {}
    cell = layer.cell
    original = cell._mask
    cell._mask = lambda attribute, rate, shape: drawn.setdefault(attribute, original(attribute, rate, shape))
    out = np.asarray(layer(x, training=True))
    # the masks repeat the channels once per gate: split them back into the four gates' masks
    masks = [np.split(np.asarray(drawn[name], dtype=np.float64), 4, axis=1)
             for name in ("_dropout_mask", "_recurrent_dropout_mask")]
    assert not np.array_equal(masks[0][0], masks[0][1]), "each gate draws its own mask"
    assert set(np.unique(masks[0][0])) <= {0.0, 2.0}
    expected, _ = reference_conv_lstm(x, kernel, recurrent, bias, padding="same", data_format="channels_first",
                                      masks=masks)
    np.testing.assert_allclose(out, expected, rtol=RTOL, atol=ATOL)
    assert cell._dropout_mask is None, "a new sequence draws new masks"
    inference, _ = reference_conv_lstm(x, kernel, recurrent, bias, padding="same", data_format="channels_first")
    np.testing.assert_allclose(np.asarray(layer(x, training=False)), inference, rtol=RTOL, atol=ATOL)


# -- gradients -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rank", "config"), [
    (1, {"padding": "same", "go_backwards": True}),
    (1, {"strides": 2, "data_format": "channels_first"}),
    (2, {"padding": "same", "kernel_size": 2, "strides": 2, "data_format": "channels_first"}),
    (2, {"dilation_rate": 2, "go_backwards": True}),
])
def test_gradients_of_inputs_initial_states_and_weights_match_finite_differences(rank, config):
    rng = np.random.default_rng(6)
    config = {"kernel_size": 3, **config}
    layer = getattr(layers, f"ConvLSTM{rank}D")(2, return_sequences=True, return_state=True, dtype="float64",
                                                **config)
    first = config.get("data_format") == "channels_first"
    frame = (5,) * rank
    x = rng.uniform(-1, 1, (2, 3, 2, *frame) if first else (2, 3, *frame, 2))
    _, h, _ = layer(x)
    random_weights(layer, rng)
    states = [rng.uniform(-1, 1, h.shape) for _ in range(2)]
    mask = np.array([[True, False, True], [True, True, False]])

    def run(x, h, c):
        return _joined(layer(x, initial_state=[h, c], mask=mask))

    check_gradients(run, [x, *states], name=f"ConvLSTM{rank}D {config}")
    check_layer_gradients(layer, x, {}, rtol=1e-4, atol=1e-6, name=f"ConvLSTM{rank}D {config}")


def test_stateful_layer_continues_from_its_states_and_resets_to_zeros():
    rng = np.random.default_rng(7)
    layer = layers.ConvLSTM2D(2, 3, padding="same", stateful=True)
    whole = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True)
    x = rng.uniform(-1, 1, (2, 6, 4, 4, 1)).astype("float32")
    layer(x[:, :3])
    whole(x)
    whole.set_weights(layer.get_weights())
    layer.reset_states()
    layer(x[:, :3])
    np.testing.assert_allclose(np.asarray(layer(x[:, 3:])), np.asarray(whole(x))[:, -1], rtol=1e-5, atol=1e-6)
    assert len(layer.weights) == 3, "the states are not weights"
    layer.reset_states()
    np.testing.assert_allclose(np.asarray(layer(x[:, 3:])), np.asarray(whole(x[:, 3:]))[:, -1], rtol=1e-6)
    with pytest.raises(ShapeError, match=r"ConvLSTM2D '.*' is stateful with states of shape \(2, 4, 4, 2\)"):
        layer(x[:1])


def test_gradients_reach_the_weights_through_a_bidirectional_wrapper():
    layer = layers.Bidirectional(layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True))
    x = np.random.default_rng(8).uniform(-1, 1, (2, 3, 4, 4, 1)).astype("float32")
    with GradientTape() as tape:
        out = layer(x)
        loss = ops.sum(out)
    assert out.shape == (2, 3, 4, 4, 4)
    grads = tape.gradient(loss, layer.trainable_weights)
    assert len(grads) == 6 and all(np.abs(np.asarray(g)).sum() > 0 for g in grads)


# -- configuration and saving --------------------------------------------------------------------------------


def test_config_has_keras_keys_and_round_trips():
    layer = layers.ConvLSTM2D(4, 3, strides=(2, 1), padding="SAME", data_format="channels_first",
                              recurrent_activation="hard_sigmoid", kernel_regularizer="l2", dropout=0.25, seed=9,
                              return_state=True, name="frames")
    config = layer.get_config()
    assert set(config) == {
        "name", "trainable", "dtype", "return_sequences", "return_state", "go_backwards", "stateful", "unroll",
        "zero_output_for_mask", "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
        "activation", "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
        "bias_initializer", "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
        "recurrent_dropout", "seed"}
    assert (config["kernel_size"], config["strides"], config["padding"], config["dilation_rate"]) == \
        ((3, 3), (2, 1), "same", (1, 1))
    assert config["recurrent_activation"] == "hard_sigmoid" and config["seed"] == 9
    assert (layer.filters, layer.kernel_size, layer.data_format, layer.dropout) == (4, (3, 3), "channels_first", 0.25)
    assert layers.ConvLSTM2D.from_config(config).get_config() == config


def test_data_format_defaults_to_the_configured_image_data_format():
    from kcore import config

    previous = config.image_data_format()
    config.set_image_data_format("channels_first")
    try:
        layer = layers.ConvLSTM2D(3, 2)
        assert layer.data_format == "channels_first"
        assert layer(np.ones((2, 4, 1, 5, 6), "float32")).shape == (2, 3, 4, 5)
    finally:
        config.set_image_data_format(previous)
    assert layers.ConvLSTM2D(3, 2).data_format == previous


def test_a_model_with_a_conv_lstm_saves_and_loads_with_the_same_outputs(tmp_path):
    from kcore import Sequential, saving

    model = Sequential([layers.Input(shape=(4, 6, 6, 1)),
                        layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True),
                        layers.ConvLSTM2D(2, 2, strides=2, go_backwards=True),
                        layers.Flatten(), layers.Dense(2)])
    x = np.random.default_rng(10).uniform(-1, 1, (3, 4, 6, 6, 1)).astype("float32")
    expected = np.asarray(model(x))
    assert expected.shape == (3, 2)
    model.save(tmp_path / "conv_lstm.keras")
    loaded = saving.load_model(tmp_path / "conv_lstm.keras")
    assert type(loaded.layers[0]).__name__ == "ConvLSTM2D"
    np.testing.assert_allclose(np.asarray(loaded(x)), expected, rtol=1e-6)


def test_a_small_model_learns_to_predict_the_next_frame():
    from kcore import Sequential, optimizers, utils

    utils.set_random_seed(11)
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 1, (16, 3, 5, 5, 1)).astype("float32")
    y = x[:, -1]  # the last frame: remembering it is enough
    model = Sequential([layers.Input(shape=(3, 5, 5, 1)), layers.ConvLSTM2D(4, 3, padding="same"),
                        layers.Conv2D(1, 1)])
    model.compile(optimizer=optimizers.Adam(learning_rate=0.01), loss="mse")
    history = model.fit(x, y, epochs=20, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]


# -- errors --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "shape", "fix"), [
    ("ConvLSTM2D", (8, 28, 28, 1), r"add a time axis: x\[:, None\]"),
    ("ConvLSTM2D", (8, 10, 28, 28, 1, 1), r"use ConvLSTM3D"),
    ("ConvLSTM1D", (8, 28), r"Feed a batch of sequences of 1D frames"),
])
def test_wrong_input_rank_raises_a_shape_error_naming_the_layer_the_layout_and_the_fix(kind, shape, fix):
    layer = getattr(layers, kind)(4, 3, name="frames")
    rank = int(kind[-2]) + 3
    with pytest.raises(ShapeError, match=fix) as error:
        layer(np.ones(shape, "float32"))
    message = str(error.value)
    assert f"{kind} 'frames' expects inputs of rank {rank}" in message and str(shape) in message
    with pytest.raises(ShapeError, match=rf"{kind} 'in_model' expects inputs of rank {rank}"):
        getattr(layers, kind)(4, 3, name="in_model")(layers.Input(shape=shape[1:]))


def test_channels_first_layout_is_named_in_the_rank_error():
    with pytest.raises(ShapeError, match=r"rank 5 \(batch, time, channels, rows, cols\) \(channels_first\)"):
        layers.ConvLSTM2D(2, 3, data_format="channels_first")(np.ones((2, 3, 4, 4), "float32"))


def test_bad_arguments_and_inputs_are_refused_with_the_argument_and_value():
    with pytest.raises(ConfigError, match=r"ConvLSTM2D: `strides` > 1 cannot be combined with `dilation_rate` > 1"):
        layers.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ConfigError, match=r"ConvLSTM1D 'c': `padding` must be one of \('valid', 'same'\)"):
        layers.ConvLSTM1D(2, 3, padding="causal", name="c")
    with pytest.raises(ConfigError, match=r"`filters` must be a positive integer. Received: filters=0"):
        layers.ConvLSTM3D(0, 3)
    with pytest.raises(ConfigError, match=r"`kernel_size` must be an int or a tuple of 2 ints"):
        layers.ConvLSTM2D(2, (3, 3, 3))
    layer = layers.ConvLSTM2D(2, 3, name="built")
    x = np.ones((2, 3, 5, 5, 1), "float32")
    layer(x)
    with pytest.raises(ShapeError, match=r"ConvLSTM2D 'built' was built for frames with 1 channels"):
        layer(np.ones((2, 3, 5, 5, 2), "float32"))
    with pytest.raises(ShapeError, match=r"initial_state\[1\] must have shape \(2, 3, 3, 2\)"):
        layer(x, initial_state=[np.zeros((2, 3, 3, 2), "float32"), np.zeros((2, 5, 5, 2), "float32")])
    with pytest.raises(ShapeError, match=r"has 2 states \(h and c\)"):
        layer(x, initial_state=[np.zeros((2, 3, 3, 2), "float32")])
    with pytest.raises(ShapeError, match=r"does not fit in frames of shape \(2, 2\)"):
        layers.ConvLSTM2D(2, 3)(np.ones((1, 3, 2, 2, 1), "float32"))
