"""LSTM: the long short-term memory layer."""

from kcore_layers_recurrent.layers.cell_rnn import CellRNN
from kcore_layers_recurrent.layers.lstm_cell import LSTMCell


class LSTM(CellRNN):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997) over inputs `(batch, timesteps, features)`.

    The whole sequence runs in one op (`kcore.ops.lstm`): the inputs of every timestep are projected in one
    matrix product, each step is fused, and the backward pass through time is written by hand. Weights as in
    Keras 3, in `layer.cell`: `kernel` (features, 4 * units), `recurrent_kernel` (units, 4 * units), `bias`
    (4 * units,), gates i, f, c, o; so Keras-trained weights load with `set_weights` and give the same outputs.

    Args: those of `LSTMCell` (units, activations, initializers, regularizers, constraints, dropout,
    recurrent_dropout, seed), `activity_regularizer`, and those of `RNN` (return_sequences, return_state,
    go_backwards, stateful, unroll). With `return_state`, the layer returns `[output, h, c]`.

    Example:
        >>> lstm = LSTM(4, return_sequences=True, return_state=True)
        >>> sequence, h, c = lstm(np.ones((32, 10, 8), "float32"))
        >>> sequence.shape, h.shape, c.shape
        ((32, 10, 4), (32, 4), (32, 4))
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        cell = LSTMCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                        kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                        bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                        kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                        bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                        recurrent_dropout=recurrent_dropout, seed=seed, implementation=kwargs.pop("implementation", 2),
                        **self.cell_options(kwargs, "lstm_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, use_cudnn=use_cudnn, **kwargs)
