"""The test cases of this distribution, run by kcore's suites: tests/test_op_gradients.py checks every op against
finite differences over hypothesis draws (masks, go_backwards, initial states, biases, activations), and
tests/test_layer_conformance.py runs every layer through kcore.testing's conformance test.

Layers that return a list (return_state) and stateful layers (whose output depends on the previous call) are
checked by this distribution's own tests instead: the conformance test compares single outputs across calls.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kcore.testing import LayerCase, OpCase
from kcore.testing import strategies as s

SMOOTH = ("tanh", "sigmoid", "linear")  # fused activations without kinks, for finite differences
GATES = ("sigmoid", "tanh")  # bounded: linear gates make an LSTM a polynomial of degree 2^t, past float64's reach


@st.composite
def _sequence_call(draw, gates, states, bias_shape=lambda units: (units,), **choices):
    """Calls `(inputs, kernel, recurrent_kernel, bias, *initial_states), kwargs` of a whole-sequence op, each
    optional array present or None, with or without a mask, forwards or backwards."""
    batch, time, features, units = (draw(st.integers(1, n)) for n in (3, 4, 3, 3))
    args = [draw(s.arrays((batch, time, features), -2.0, 2.0)),
            draw(s.arrays((features, gates * units), -1.0, 1.0)),
            draw(s.arrays((units, gates * units), -1.0, 1.0))]
    args.append(draw(st.none() | s.arrays(bias_shape(units), -1.0, 1.0)))
    args += [draw(st.none() | s.arrays((batch, units), -1.0, 1.0)) for _ in range(states)]
    kwargs = {"mask": draw(st.none() | hnp.arrays(np.bool_, (batch, time))), "go_backwards": draw(st.booleans()),
              "zero_output_for_mask": draw(st.booleans())}
    kwargs.update({name: draw(strategy) for name, strategy in choices.items()})
    return tuple(args), kwargs


@st.composite
def _gru_call(draw):
    reset_after = draw(st.booleans())
    args, kwargs = draw(_sequence_call(3, 1, bias_shape=(lambda u: (2, 3 * u)) if reset_after else (lambda u: (3 * u,)),
                                       activation=st.sampled_from(SMOOTH),
                                       recurrent_activation=st.sampled_from(GATES)))
    return args, {**kwargs, "reset_after": reset_after}


OP_CASES = [
    OpCase("lstm", _sequence_call(4, 2, bias_shape=lambda u: (4 * u,), activation=st.sampled_from(SMOOTH),
                                  recurrent_activation=st.sampled_from(GATES))),
    OpCase("gru", _gru_call()),
    OpCase("simple_rnn", _sequence_call(1, 1, activation=st.sampled_from(SMOOTH))),
]

MASK = {"mask": np.array([[True, True, False, True], [False, True, True, False]])}
_LSTM_CELL = {"class_name": "LSTMCell", "config": {"units": 3}}
_GRU_CELL = {"class_name": "GRUCell", "config": {"units": 2, "reset_after": False}}
_SOFTSIGN_CELL = {"class_name": "SimpleRNNCell", "config": {"units": 3, "activation": "softsign"}}

LAYER_CASES = [
    # the fused layers, in their configurations
    LayerCase("SimpleRNN", {"units": 3}, input_shape=(2, 4, 3)),
    LayerCase("SimpleRNN", {"units": 2, "return_sequences": True, "go_backwards": True, "activation": "sigmoid"},
              input_shape=(2, 4, 3), call_kwargs=MASK),
    LayerCase("LSTM", {"units": 3}, input_shape=(2, 4, 3)),
    LayerCase("LSTM", {"units": 2, "return_sequences": True, "go_backwards": True, "unit_forget_bias": False},
              input_shape=(2, 4, 3), call_kwargs=MASK),
    LayerCase("LSTM", {"units": 2, "use_bias": False, "zero_output_for_mask": True, "return_sequences": True,
                       "kernel_regularizer": "l2", "activity_regularizer": "l1"},
              input_shape=(2, 4, 2), call_kwargs=MASK),
    LayerCase("LSTM", {"units": 2, "recurrent_activation": "hard_sigmoid", "activation": "linear"},
              input_shape=(2, 3, 2), low=-0.5, high=0.5),
    LayerCase("GRU", {"units": 3}, input_shape=(2, 4, 3)),
    LayerCase("GRU", {"units": 2, "reset_after": False, "return_sequences": True}, input_shape=(2, 4, 3),
              call_kwargs=MASK),
    LayerCase("GRU", {"units": 2, "go_backwards": True}, input_shape=(2, 4, 2), call_kwargs=MASK),
    # an activation without a fused form steps the cell under the tape
    LayerCase("LSTM", {"units": 2, "activation": "softsign", "return_sequences": True}, input_shape=(2, 4, 3),
              call_kwargs=MASK),
    LayerCase("GRU", {"units": 2, "recurrent_activation": "softsign", "go_backwards": True}, input_shape=(2, 4, 2)),
    # dropout: random in training, deterministic at inference
    LayerCase("LSTM", {"units": 2, "dropout": 0.3, "recurrent_dropout": 0.3, "seed": 1}, input_shape=(2, 4, 3),
              call_kwargs={"training": True}, deterministic_training=False),
    LayerCase("GRU", {"units": 2, "dropout": 0.5, "seed": 2}, input_shape=(2, 4, 3), call_kwargs={"training": True},
              deterministic_training=False),
    # the generic RNN over built-in, stacked and step-by-step cells
    LayerCase("RNN", {"cell": _LSTM_CELL}, input_shape=(2, 4, 3)),
    LayerCase("RNN", {"cell": [_LSTM_CELL, _GRU_CELL], "return_sequences": True, "go_backwards": True},
              input_shape=(2, 4, 2), call_kwargs=MASK),
    LayerCase("RNN", {"cell": _SOFTSIGN_CELL, "return_sequences": True}, input_shape=(2, 4, 2), call_kwargs=MASK),
    LayerCase("RNN", {"cell": [_SOFTSIGN_CELL, _GRU_CELL]}, input_shape=(2, 3, 2)),
    # cells: one timestep (states default to zeros)
    LayerCase("SimpleRNNCell", {"units": 3}, input_shape=(2, 3)),
    LayerCase("LSTMCell", {"units": 3}, input_shape=(2, 3)),
    LayerCase("LSTMCell", {"units": 2, "activation": "softsign"}, input_shape=(2, 3)),
    LayerCase("GRUCell", {"units": 3}, input_shape=(2, 2)),
    LayerCase("GRUCell", {"units": 2, "reset_after": False}, input_shape=(2, 3)),
    LayerCase("StackedRNNCells", {"cells": [_LSTM_CELL, _GRU_CELL]}, input_shape=(2, 3)),
    # wrappers
    LayerCase("Bidirectional", {"layer": {"class_name": "LSTM", "config": {"units": 2, "return_sequences": True}}},
              input_shape=(2, 4, 3), call_kwargs=MASK),
    LayerCase("Bidirectional", {"layer": {"class_name": "GRU", "config": {"units": 2}}, "merge_mode": "sum"},
              input_shape=(2, 4, 3)),
    LayerCase("Bidirectional", {"layer": {"class_name": "SimpleRNN", "config": {"units": 2}}, "merge_mode": "ave"},
              input_shape=(2, 3, 2)),
    LayerCase("TimeDistributed", {"layer": {"class_name": "Dense", "config": {"units": 3}}}, input_shape=(2, 4, 3)),
    LayerCase("TimeDistributed", {"layer": {"class_name": "LSTM", "config": {"units": 2}}}, input_shape=(2, 3, 4, 2)),
    # convolutional LSTMs: padding, strides, dilation, both data formats, an even kernel (asymmetric "same")
    LayerCase("ConvLSTM1D", {"filters": 2, "kernel_size": 2, "padding": "same", "return_sequences": True,
                             "go_backwards": True}, input_shape=(2, 4, 5, 2), call_kwargs=MASK),
    LayerCase("ConvLSTM1D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "data_format": "channels_first",
                             "return_state": True}, input_shape=(2, 3, 2, 5)),
    LayerCase("ConvLSTM2D", {"filters": 2, "kernel_size": 2}, input_shape=(2, 3, 3, 3, 1)),
    LayerCase("ConvLSTM2D", {"filters": 2, "kernel_size": (2, 1), "strides": 2, "padding": "same",
                             "data_format": "channels_first", "use_bias": False, "return_sequences": True,
                             "kernel_regularizer": "l2", "activity_regularizer": "l1"}, input_shape=(1, 3, 2, 3, 3)),
    LayerCase("ConvLSTM2D", {"filters": 2, "kernel_size": 2, "padding": "same", "dropout": 0.3,
                             "recurrent_dropout": 0.3, "seed": 1}, input_shape=(2, 3, 3, 3, 1),
              call_kwargs={"training": True}, deterministic_training=False),
    LayerCase("ConvLSTM3D", {"filters": 1, "kernel_size": 2, "padding": "same", "go_backwards": True},
              input_shape=(1, 2, 2, 3, 2, 1)),
]
