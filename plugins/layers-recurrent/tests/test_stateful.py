"""stateful=True: the final states of one batch are the initial states of the next, until reset_states()."""

import numpy as np
import pytest

from kcore import Sequential, layers
from kcore.errors import ShapeError


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_two_stateful_halves_equal_one_pass_over_the_whole_sequence(kind):
    x = np.random.default_rng(0).standard_normal((3, 8, 2)).astype("float32")
    whole = getattr(layers, kind)(4, return_sequences=True)
    expected = np.asarray(whole(x))
    stateful = getattr(layers, kind)(4, return_sequences=True, stateful=True)
    stateful(x[:, :4])
    stateful.set_weights(whole.get_weights())
    stateful.reset_states()
    halves = [np.asarray(stateful(x[:, :4])), np.asarray(stateful(x[:, 4:]))]
    np.testing.assert_allclose(np.concatenate(halves, axis=1), expected, rtol=1e-5, atol=1e-6)


def test_reset_states_starts_again_from_zeros():
    x = np.random.default_rng(1).standard_normal((2, 3, 2)).astype("float32")
    layer = layers.LSTM(3, stateful=True)
    first = np.asarray(layer(x))
    assert not np.allclose(np.asarray(layer(x)), first), "the second call starts from the first call's states"
    layer.reset_states()
    assert all(np.all(v.numpy() == 0) for v in layer.states)
    np.testing.assert_array_equal(np.asarray(layer(x)), first)


def test_reset_states_takes_given_states():
    layer = layers.GRU(2, stateful=True)
    x = np.ones((2, 3, 1), "float32")
    layer(x)
    h = np.full((2, 2), 0.5, "float32")
    layer.reset_states([h])
    np.testing.assert_array_equal(layer.states[0].numpy(), h)
    plain = layers.GRU(2)
    plain(x)
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(layer(x)), np.asarray(plain(x, initial_state=[h])), rtol=1e-6)


def test_state_variables_are_not_weights():
    layer = layers.LSTM(3, stateful=True)
    layer(np.ones((2, 4, 1), "float32"))
    assert len(layer.weights) == 3 and len(layer.states) == 2
    assert all(not v.trainable for v in layer.states)


def test_a_stateful_layer_rejects_a_new_batch_size_and_says_why():
    layer = layers.LSTM(3, stateful=True)
    layer(np.ones((2, 4, 1), "float32"))
    with pytest.raises(ShapeError, match=r"stateful with a batch size of 2; received a batch of 5"):
        layer(np.ones((5, 4, 1), "float32"))


def test_a_stateful_model_with_a_fixed_batch_size_creates_its_states_when_built():
    model = Sequential([layers.Input(shape=(4, 1), batch_size=2), layers.LSTM(3, stateful=True)])
    lstm = model.layers[0]
    assert [v.shape for v in lstm.states] == [(2, 3), (2, 3)]
    out = np.asarray(model(np.ones((2, 4, 1), "float32")))
    assert not np.allclose(out, np.asarray(model(np.ones((2, 4, 1), "float32"))))
