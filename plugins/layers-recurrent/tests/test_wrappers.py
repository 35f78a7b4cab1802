"""Bidirectional and TimeDistributed: shapes, and values against the wrapped layers run by hand."""

import numpy as np
import pytest

from kcore import Model, layers
from kcore.errors import ConfigError, ShapeError

X = np.random.default_rng(0).standard_normal((3, 5, 4)).astype("float32")


def _directions(wrapper):
    """Plain layers with the wrapper's forward and backward weights."""
    forward, backward = layers.LSTM(3, return_sequences=True), layers.LSTM(3, return_sequences=True)
    for plain, trained in ((forward, wrapper.forward_layer), (backward, wrapper.backward_layer)):
        plain(X)
        plain.set_weights(trained.get_weights())
    return forward, backward


def test_bidirectional_concatenates_the_forward_outputs_and_the_reversed_backward_outputs():
    wrapper = layers.Bidirectional(layers.LSTM(3, return_sequences=True))
    out = np.asarray(wrapper(X))
    assert out.shape == (3, 5, 6)
    forward, backward = _directions(wrapper)
    np.testing.assert_allclose(out[..., :3], np.asarray(forward(X)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[..., 3:], np.asarray(backward(X[:, ::-1]))[:, ::-1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("mode", "combine"), [("sum", np.add), ("mul", np.multiply),
                                               ("ave", lambda a, b: (a + b) / 2)])
def test_bidirectional_merge_modes_combine_the_two_directions(mode, combine):
    wrapper = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=mode)
    out = np.asarray(wrapper(X))
    forward, backward = _directions(wrapper)
    np.testing.assert_allclose(out, combine(np.asarray(forward(X)), np.asarray(backward(X[:, ::-1]))[:, ::-1]),
                               rtol=1e-5, atol=1e-6)


def test_bidirectional_without_merge_and_with_states_returns_every_part():
    wrapper = layers.Bidirectional(layers.LSTM(3, return_state=True), merge_mode=None)
    out = wrapper(X)
    assert [tuple(o.shape) for o in out] == [(3, 3)] * 6
    symbolic = wrapper.compute_output_shape((None, 5, 4))
    assert [tuple(s) for s in symbolic] == [(None, 3)] * 6
    concat = layers.Bidirectional(layers.GRU(2, return_state=True))(X)
    assert [tuple(o.shape) for o in concat] == [(3, 4), (3, 2), (3, 2)]


def test_bidirectional_initial_state_gives_forward_states_then_backward_states():
    wrapper = layers.Bidirectional(layers.GRU(2))
    h_forward, h_backward = np.full((3, 2), 0.3, "float32"), np.full((3, 2), -0.6, "float32")
    out = np.asarray(wrapper(X, initial_state=[h_forward, h_backward]))
    plain = layers.GRU(2)
    plain(X)
    plain.set_weights(wrapper.forward_layer.get_weights())
    np.testing.assert_allclose(out[:, :2], np.asarray(plain(X, initial_state=[h_forward])), rtol=1e-5)
    plain.set_weights(wrapper.backward_layer.get_weights())
    np.testing.assert_allclose(out[:, 2:], np.asarray(plain(X[:, ::-1], initial_state=[h_backward])), rtol=1e-5)


def test_bidirectional_with_a_mask_aligns_the_backward_outputs_with_the_inputs():
    inputs = layers.Input(shape=(None,), dtype="int32")
    embedded = layers.Embedding(5, 3, mask_zero=True)(inputs)
    outputs = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True))(embedded)
    model = Model(inputs, outputs)
    tokens = np.array([[1, 2, 3, 0], [4, 0, 0, 0]], "int32")
    out = np.asarray(model(tokens))
    np.testing.assert_array_equal(out[0, 3], 0.0)  # masked timesteps output zeros in both directions
    np.testing.assert_array_equal(out[1, 1:], 0.0)
    short = np.asarray(model(tokens[:1, :3]))  # the same sequence without its padding
    np.testing.assert_allclose(out[0, :3], short[0], rtol=1e-5, atol=1e-6)


def test_bidirectional_names_its_layers_and_checks_the_backward_layer():
    wrapper = layers.Bidirectional(layers.LSTM(2, name="encoder"))
    assert (wrapper.forward_layer.name, wrapper.backward_layer.name) == ("forward_encoder", "backward_encoder")
    assert wrapper.backward_layer.go_backwards and not wrapper.forward_layer.go_backwards
    with pytest.raises(ConfigError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ConfigError, match="return_sequences"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2, go_backwards=True, return_sequences=True))
    with pytest.raises(ConfigError, match="merge_mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")


def test_bidirectional_config_round_trips_with_its_weights():
    wrapper = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode="sum")
    out = np.asarray(wrapper(X))
    clone = layers.Bidirectional.from_config(wrapper.get_config())
    assert clone.get_config() == wrapper.get_config()
    clone(X)
    clone.set_weights(wrapper.get_weights())
    np.testing.assert_array_equal(np.asarray(clone(X)), out)


def test_time_distributed_applies_one_layer_with_one_set_of_weights_to_every_timestep():
    dense = layers.Dense(2)
    wrapper = layers.TimeDistributed(dense)
    out = np.asarray(wrapper(X))
    assert out.shape == (3, 5, 2) and len(wrapper.weights) == 2
    for t in range(5):
        np.testing.assert_allclose(out[:, t], np.asarray(dense(X[:, t])), rtol=1e-6)
    assert wrapper.compute_output_shape((None, 5, 4)) == (None, 5, 2)


def test_time_distributed_over_an_lstm_runs_it_on_each_subsequence():
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 5)).astype("float32")
    lstm = layers.LSTM(3)
    out = np.asarray(layers.TimeDistributed(lstm)(x))
    assert out.shape == (2, 3, 3)
    np.testing.assert_allclose(out[:, 1], np.asarray(lstm(x[:, 1])), rtol=1e-6)


def test_time_distributed_rejects_inputs_without_a_time_axis():
    with pytest.raises(ShapeError, match=r"TimeDistributed '.*' expects inputs of rank >= 3"):
        layers.TimeDistributed(layers.Dense(2))(np.ones((3, 4), "float32"))
