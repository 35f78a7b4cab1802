"""LSTMCell: one timestep of a long short-term memory."""

from kcore_layers_core.serialization import activation as get_activation
from kcore_layers_core.serialization import serialize

from kcore import backend, ops
from kcore_layers_recurrent.layers.recurrent_cell import RecurrentCell, fused_name


class LSTMCell(RecurrentCell):
    """One LSTM step (Hochreiter & Schmidhuber, 1997), with Keras 3's weights: `kernel` (features, 4 * units),
    `recurrent_kernel` (units, 4 * units) and `bias` (4 * units,), gates in the order i, f, c, o.

    States: `[h, c]`, each (batch, units). `LSTM` runs this cell over a whole sequence in one op; `RNN(LSTMCell(...))`
    does the same.

    Args:
        units: the size of the output and of each state.
        activation, recurrent_activation: for the cell candidate and output (default tanh), and for the gates
            (default sigmoid).
        unit_forget_bias: add 1 to the forget gate's bias at initialization (Jozefowicz et al., 2015).
        dropout, recurrent_dropout: fractions of the inputs and of the state to drop in training; one mask per
            sequence.
        The other arguments (initializers, regularizers, constraints, use_bias, seed) are those of `Dense`, for
        `kernel`, `recurrent_kernel` and `bias`.

    Example:
        >>> cell = LSTMCell(4)
        >>> h, (h, c) = cell(np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32")] * 2)
        >>> h.shape, c.shape
        ((2, 4), (2, 4))
    """

    gates = 4
    op = "lstm"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        kwargs.pop("implementation", None)  # Keras's choice of kernel layout; one layout here
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = get_activation(recurrent_activation, f"LSTMCell '{self.name}': "
                                                                         f"`recurrent_activation`")
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, initializer = self.units, self.bias_initializer

        def forget_bias_one(shape, dtype=None):
            values = backend.get().xp.array(initializer((4 * units,), dtype=dtype))  # a copy
            values[units: 2 * units] = 1.0
            return values

        return forget_bias_one

    def _fused_activations(self):
        return fused_name(self.activation), fused_name(self.recurrent_activation)

    def _op_arguments(self):
        return {"activation": fused_name(self.activation),
                "recurrent_activation": fused_name(self.recurrent_activation)}

    def step(self, inputs, states, training):
        inputs, h = self._dropped(inputs, states, training)
        z = ops.add(ops.matmul(inputs, self.kernel), ops.matmul(h, self.recurrent_kernel))
        if self.bias is not None:
            z = ops.add(z, self.bias)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        i, f, o = self.recurrent_activation(z_i), self.recurrent_activation(z_f), self.recurrent_activation(z_o)
        c = ops.add(ops.multiply(f, states[1]), ops.multiply(i, self.activation(z_c)))
        h = ops.multiply(o, self.activation(c))
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": serialize(self.recurrent_activation, "activation"),
                "unit_forget_bias": self.unit_forget_bias}
