"""Keras 3 configs, and the cell contract: built-in cells alone and in stacks, and cells written by users."""

import numpy as np
import pytest

from kcore import GradientTape, layers, ops
from kcore.layers import Layer
from kcore.testing import check_gradients

X = np.random.default_rng(0).standard_normal((2, 5, 3)).astype("float32")

LSTM_KEYS = {"name", "trainable", "dtype", "units", "activation", "recurrent_activation", "use_bias",
             "kernel_initializer", "recurrent_initializer", "bias_initializer", "unit_forget_bias",
             "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
             "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed",
             "return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask"}


def test_lstm_config_has_keras_3_keys_and_values():
    config = layers.LSTM(4, return_sequences=True, dropout=0.25).get_config()
    assert set(config) == LSTM_KEYS
    assert config["activation"] == "tanh" and config["recurrent_activation"] == "sigmoid"
    assert config["recurrent_initializer"]["class_name"] == "Orthogonal"
    assert config["dropout"] == 0.25 and config["unit_forget_bias"] is True
    gru = layers.GRU(4).get_config()
    assert set(gru) == LSTM_KEYS - {"unit_forget_bias"} | {"reset_after"} and gru["reset_after"] is True
    assert set(layers.SimpleRNN(4).get_config()) == LSTM_KEYS - {"unit_forget_bias", "recurrent_activation"}


def test_the_layer_reads_its_cell_arguments_as_attributes():
    layer = layers.GRU(5, dropout=0.1, reset_after=False)
    assert (layer.units, layer.dropout, layer.reset_after) == (5, 0.1, False)
    with pytest.raises(AttributeError):
        layer.no_such_attribute  # noqa: B018


def test_a_keras_3_config_with_legacy_keys_builds_the_layer():
    config = layers.LSTM(3).get_config()
    config.update(implementation=2, name="from_keras")
    layer = layers.LSTM.from_config(config)
    assert layer.name == "from_keras" and layer(X).shape == (2, 3)


def test_rnn_saves_its_cell_as_a_nested_keras_config():
    config = layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)]).get_config()
    cells = config["cell"]
    assert cells["class_name"] == "StackedRNNCells" and cells["module"] == "keras.layers"
    assert [c["class_name"] for c in cells["config"]["cells"]] == ["LSTMCell", "GRUCell"]
    rebuilt = layers.RNN.from_config(config)
    assert rebuilt.state_size == [[3, 3], 2]


def test_a_cell_runs_one_step_from_given_or_zero_states():
    cell = layers.LSTMCell(4)
    h0 = np.zeros((2, 4), "float32")
    output, (h, c) = cell(X[:, 0], [h0, h0])
    np.testing.assert_array_equal(np.asarray(output), np.asarray(h))
    assert c.shape == (2, 4) and not np.array_equal(np.asarray(c), np.asarray(h))
    zero_output, _ = cell(X[:, 0])
    np.testing.assert_array_equal(np.asarray(zero_output), np.asarray(output))
    gru = layers.GRUCell(3)
    output, state = gru(X[:, 0], np.zeros((2, 3), "float32"))
    assert not isinstance(state, list)  # a single state in, a single state out (Keras)
    _, states = gru(X[:, 0], [np.zeros((2, 3), "float32")])
    assert isinstance(states, list) and len(states) == 1


def test_rnn_over_a_built_in_cell_equals_the_layer():
    layer = layers.LSTM(3, return_sequences=True)
    expected = np.asarray(layer(X))
    rnn = layers.RNN(layers.LSTMCell(3), return_sequences=True)
    rnn(X)
    rnn.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(rnn(X)), expected, rtol=1e-6)


def test_stacked_cells_equal_the_layers_stacked():
    first, second = layers.LSTM(4, return_sequences=True), layers.GRU(3, return_sequences=True, return_state=True)
    expected = second(first(X))
    stacked = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3)], return_sequences=True, return_state=True)
    stacked(X)
    stacked.set_weights(first.get_weights() + second.get_weights())
    output, (h1, c1), (h2,) = stacked(X)
    np.testing.assert_allclose(np.asarray(output), np.asarray(expected[0]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(h2), np.asarray(expected[1]), rtol=1e-5, atol=1e-6)
    assert h1.shape == c1.shape == (2, 4)


class MinimalRNNCell(Layer):
    """The cell of Keras's RNN documentation: output = x @ kernel + h @ recurrent_kernel."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        output = ops.add(ops.matmul(inputs, self.kernel), ops.matmul(states[0], self.recurrent_kernel))
        return output, [output]


def test_rnn_steps_a_user_cell_and_differentiates_through_it():
    cell = MinimalRNNCell(3, dtype="float64")
    layer = layers.RNN(cell, return_sequences=True, go_backwards=True, dtype="float64")
    x = X.astype("float64")
    out = np.asarray(layer(x))
    kernel, recurrent = cell.kernel.numpy(), cell.recurrent_kernel.numpy()
    h = np.zeros((2, 3))
    for step, t in enumerate(reversed(range(5))):
        h = x[:, t] @ kernel + h @ recurrent
        np.testing.assert_allclose(out[:, step], h, rtol=1e-12)
    check_gradients(lambda x: layer(x), [x], name="RNN(MinimalRNNCell)")
    with GradientTape() as tape:
        loss = ops.sum(layer(x))
    assert all(g is not None for g in tape.gradient(loss, layer.trainable_weights))


def test_dropout_draws_one_mask_per_sequence_and_none_at_inference():
    layer = layers.SimpleRNN(4, dropout=0.5, seed=3, return_sequences=True)
    x = np.ones((2, 6, 8), "float32")
    assert np.array_equal(np.asarray(layer(x, training=False)), np.asarray(layer(x, training=False)))
    assert not np.array_equal(np.asarray(layer(x, training=True)), np.asarray(layer(x, training=True)))
    recurrent = layers.LSTM(4, recurrent_dropout=0.5, seed=1)
    assert recurrent(x, training=True).shape == (2, 4)


class ScaledCell(MinimalRNNCell):
    """MinimalRNNCell with the get_config that saving it needs."""

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_a_user_cell_round_trips_through_a_config_with_custom_objects():
    layer = layers.RNN(ScaledCell(3), return_sequences=True)
    out = np.asarray(layer(X))
    config = layer.get_config()
    assert config["cell"]["class_name"] == "ScaledCell"
    clone = layers.RNN.from_config(config, custom_objects={"ScaledCell": ScaledCell})
    clone(X)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(np.asarray(clone(X)), out)


def test_a_model_of_recurrent_layers_saves_and_loads_with_the_same_outputs(tmp_path):
    from kcore import Model, saving

    inputs = layers.Input(shape=(None, 3))
    x = layers.Bidirectional(layers.LSTM(4, return_sequences=True))(inputs)
    x = layers.RNN([layers.GRUCell(3), layers.SimpleRNNCell(2)], return_sequences=True)(x)
    outputs = layers.TimeDistributed(layers.Dense(2))(x)
    model = Model(inputs, outputs)
    expected = np.asarray(model(X))
    model.save(tmp_path / "recurrent.keras")
    loaded = saving.load_model(tmp_path / "recurrent.keras")
    np.testing.assert_allclose(np.asarray(loaded(X)), expected, rtol=1e-6)


def test_bidirectional_copies_an_rnn_over_a_user_cell():
    wrapper = layers.Bidirectional(layers.RNN(ScaledCell(2), return_sequences=True))
    assert wrapper(X).shape == (2, 5, 4)
    assert type(wrapper.backward_layer.cell) is ScaledCell and wrapper.backward_layer.go_backwards
