"""Bad input gets an error that names the layer, what it expected, what it received, and the fix."""

import numpy as np
import pytest

from kcore import layers
from kcore.errors import ConfigError, ShapeError


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_rank_2_input_raises_a_shape_error_naming_the_layer_the_rank_and_the_fix(kind):
    layer = getattr(layers, kind)(4, name="encoder")
    with pytest.raises(ShapeError) as error:
        layer(np.ones((32, 10), "float32"))
    message = str(error.value)
    assert f"{kind} 'encoder'" in message
    assert "rank 3 (batch, timesteps, features)" in message and "(32, 10)" in message
    assert "x[:, None, :]" in message


def test_rank_2_input_in_a_model_is_refused_when_the_model_is_built():
    with pytest.raises(ShapeError, match=r"LSTM 'lstm_in_model' expects inputs of rank 3"):
        layers.LSTM(2, name="lstm_in_model")(layers.Input(shape=(10,)))


def test_features_other_than_those_built_for_are_refused():
    layer = layers.LSTM(2, name="built")
    layer(np.ones((1, 3, 4), "float32"))
    with pytest.raises(ShapeError, match=r"LSTM 'built' was built for inputs with 4 features; received shape"):
        layer(np.ones((1, 3, 5), "float32"))


def test_a_wrong_initial_state_says_how_many_states_of_which_shape():
    layer = layers.LSTM(3, name="decoder")
    x = np.ones((2, 4, 1), "float32")
    with pytest.raises(ShapeError, match=r"LSTM 'decoder' has 2 state\(s\) .* `initial_state` has 1 array"):
        layer(x, initial_state=[np.zeros((2, 3), "float32")])
    with pytest.raises(ShapeError, match=r"initial_state\[1\] must have shape \(batch, 3\) = \(2, 3\); received "
                                         r"shape \(2, 4\)"):
        layer(x, initial_state=[np.zeros((2, 3), "float32"), np.zeros((2, 4), "float32")])


def test_a_mask_of_the_wrong_shape_is_refused():
    with pytest.raises(ShapeError, match=r"the mask must have shape \(batch, timesteps\) = \(2, 4\)"):
        layers.GRU(2)(np.ones((2, 4, 1), "float32"), mask=np.ones((2, 3), bool))


@pytest.mark.parametrize(("arguments", "match"), [
    ({"units": 0}, r"`units` must be a positive integer. Received: units=0"),
    ({"units": 2, "dropout": 1.0}, r"`dropout` must be a number in \[0, 1\)"),
    ({"units": 2, "recurrent_dropout": -0.1}, r"`recurrent_dropout`"),
    ({"units": 2, "activation": "no_such_activation"}, r"`activation`"),
    ({"units": 2, "kernel_initializer": "nope"}, r"`kernel_initializer`"),
])
def test_bad_arguments_are_refused_by_name(arguments, match):
    with pytest.raises(ConfigError, match=match):
        layers.LSTM(**arguments)


def test_rnn_refuses_a_cell_without_state_size():
    class NotACell:
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ConfigError, match=r"`cell` must have a `call\(inputs, states\)` method and a `state_size`"):
        layers.RNN(NotACell())


def test_a_config_naming_an_unknown_cell_fails_without_importing_anything():
    with pytest.raises(ConfigError, match=r"RNN '.*': `cell`: Cannot rebuild a 'os.system'"):
        layers.RNN({"class_name": "os.system", "config": {}})


def test_a_sequence_without_timesteps_is_refused():
    with pytest.raises(ShapeError, match="0 timesteps"):
        layers.LSTM(2)(np.ones((2, 0, 3), "float32"))
