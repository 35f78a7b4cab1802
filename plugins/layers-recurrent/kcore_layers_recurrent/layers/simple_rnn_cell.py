"""SimpleRNNCell: one timestep of a fully connected recurrent network."""

from kcore import ops
from kcore_layers_recurrent.layers.recurrent_cell import RecurrentCell


class SimpleRNNCell(RecurrentCell):
    """One step of `h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)`, with Keras 3's weights
    `kernel` (features, units), `recurrent_kernel` (units, units) and `bias` (units,).

    Args:
        units, activation (default tanh), dropout, recurrent_dropout, and the weights' initializers, regularizers
        and constraints: as `LSTMCell`.

    Example:
        >>> cell = SimpleRNNCell(4)
        >>> h, new_h = cell(np.ones((2, 3), "float32"), np.zeros((2, 4), "float32"))
        >>> h.shape
        (2, 4)
    """

    gates = 1
    op = "simple_rnn"

    def step(self, inputs, states, training):
        inputs, h = self._dropped(inputs, states, training)
        z = ops.add(ops.matmul(inputs, self.kernel), ops.matmul(h, self.recurrent_kernel))
        if self.bias is not None:
            z = ops.add(z, self.bias)
        h = self.activation(z)
        return h, [h]
