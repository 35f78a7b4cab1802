"""GRU: the gated recurrent unit layer."""

from kcore_layers_recurrent.layers.cell_rnn import CellRNN
from kcore_layers_recurrent.layers.gru_cell import GRUCell


class GRU(CellRNN):
    """Gated recurrent unit (Cho et al., 2014) over inputs `(batch, timesteps, features)`.

    The whole sequence runs in one op (`kcore.ops.gru`) with a hand-written backward pass through time. Weights
    as in Keras 3, in `layer.cell`: `kernel` (features, 3 * units), `recurrent_kernel` (units, 3 * units), gates
    z, r, h, and `bias` (2, 3 * units) with `reset_after=True` (the default), else (3 * units,).

    Args: those of `GRUCell` (units, activations, initializers, regularizers, constraints, dropout,
    recurrent_dropout, reset_after, seed), `activity_regularizer`, and those of `RNN` (return_sequences,
    return_state, go_backwards, stateful, unroll). With `return_state`, the layer returns `[output, h]`.

    Example:
        >>> gru = GRU(4, return_state=True)
        >>> output, h = gru(np.ones((32, 10, 8), "float32"))
        >>> output.shape, h.shape
        ((32, 4), (32, 4))
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        cell = GRUCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                       kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                       bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                       recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                       kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                       bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                       reset_after=reset_after, seed=seed, implementation=kwargs.pop("implementation", 2),
                       **self.cell_options(kwargs, "gru_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, use_cudnn=use_cudnn, **kwargs)
