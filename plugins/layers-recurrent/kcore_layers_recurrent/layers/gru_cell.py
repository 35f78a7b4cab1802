"""GRUCell: one timestep of a gated recurrent unit."""

from kcore_layers_core.serialization import activation as get_activation
from kcore_layers_core.serialization import serialize

from kcore import ops
from kcore_layers_recurrent.layers.recurrent_cell import RecurrentCell, fused_name


class GRUCell(RecurrentCell):
    """One GRU step (Cho et al., 2014), with Keras 3's weights: `kernel` (features, 3 * units), `recurrent_kernel`
    (units, 3 * units), gates in the order z, r, h, and `bias` of shape (2, 3 * units) (an input bias and a
    recurrent bias) when `reset_after=True`, else (3 * units,).

    `h = z * h_prev + (1 - z) * candidate`. With `reset_after=True` (the default, cuDNN's convention) the reset
    gate multiplies the recurrent projection; with `False` it multiplies the state before its projection.

    Args:
        units, activation, recurrent_activation, dropout, recurrent_dropout, and the weights' initializers,
        regularizers and constraints: as `LSTMCell`.
        reset_after: where the reset gate applies (see above).

    Example:
        >>> cell = GRUCell(4)
        >>> h, new_h = cell(np.ones((2, 3), "float32"), np.zeros((2, 4), "float32"))
        >>> h.shape
        (2, 4)
    """

    gates = 3
    op = "gru"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 reset_after=True, seed=None, **kwargs):
        kwargs.pop("implementation", None)  # Keras's choice of kernel layout; one layout here
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = get_activation(recurrent_activation, f"GRUCell '{self.name}': "
                                                                         f"`recurrent_activation`")
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _fused_activations(self):
        return fused_name(self.activation), fused_name(self.recurrent_activation)

    def _op_arguments(self):
        return {"activation": fused_name(self.activation),
                "recurrent_activation": fused_name(self.recurrent_activation), "reset_after": self.reset_after}

    def step(self, inputs, states, training):
        h_prev = states[0]
        inputs, h = self._dropped(inputs, states, training)
        x = ops.matmul(inputs, self.kernel)
        input_bias = self.bias if self.bias is None or not self.reset_after else self.bias[0]
        if input_bias is not None:
            x = ops.add(x, input_bias)
        x_z, x_r, x_h = ops.split(x, 3, axis=-1)
        if self.reset_after:
            rec = ops.matmul(h, self.recurrent_kernel)
            if self.bias is not None:
                rec = ops.add(rec, self.bias[1])
            rec_z, rec_r, rec_h = ops.split(rec, 3, axis=-1)
        else:
            k_zr, k_h = ops.split(self.recurrent_kernel, [2 * self.units], axis=-1)
            rec_z, rec_r = ops.split(ops.matmul(h, k_zr), 2, axis=-1)
        z = self.recurrent_activation(ops.add(x_z, rec_z))
        r = self.recurrent_activation(ops.add(x_r, rec_r))
        reset = ops.multiply(r, rec_h) if self.reset_after else ops.matmul(ops.multiply(r, h), k_h)
        candidate = self.activation(ops.add(x_h, reset))
        h = ops.add(ops.multiply(z, h_prev), ops.multiply(ops.subtract(1.0, z), candidate))
        return h, [h]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": serialize(self.recurrent_activation, "activation"),
                "reset_after": self.reset_after}
