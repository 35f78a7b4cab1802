"""SimpleRNN: the fully connected recurrent layer."""

from kcore_layers_recurrent.layers.cell_rnn import CellRNN
from kcore_layers_recurrent.layers.simple_rnn_cell import SimpleRNNCell


class SimpleRNN(CellRNN):
    """A fully connected RNN, `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`, over inputs
    `(batch, timesteps, features)`, in one op (`kcore.ops.simple_rnn`) with a hand-written backward pass.

    Args: those of `SimpleRNNCell` (units, activation, initializers, regularizers, constraints, dropout,
    recurrent_dropout, seed), `activity_regularizer`, and those of `RNN` (return_sequences, return_state,
    go_backwards, stateful, unroll). With `return_state`, the layer returns `[output, h]`.

    Example:
        >>> rnn = SimpleRNN(4, return_sequences=True)
        >>> rnn(np.ones((32, 10, 8), "float32")).shape
        (32, 10, 4)
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 **kwargs):
        cell = SimpleRNNCell(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                             recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                             dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                             **self.cell_options(kwargs, "simple_rnn_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
