"""What SimpleRNNCell, LSTMCell and GRUCell share: their arguments and config, their weights, their dropout masks,
and the way they run a whole sequence (or one step) through their fused op."""

from kcore_layers_core import checks
from kcore_layers_core.seeding import seed_generator
from kcore_layers_core.serialization import activation as get_activation
from kcore_layers_core.serialization import resolve, serialize

from kcore import ops, random
from kcore.errors import ShapeError
from kcore.layers.layer import Layer
from kcore.plugins import manager
from kcore_layers_recurrent.ops.sequence import ACTIVATIONS


def fused_name(function):
    """The name under which the fused ops know `function`, or None when it is not one of kcore's own."""
    name = getattr(function, "__name__", None)
    if name in ACTIVATIONS and manager().get("activation", name) is function:
        return name
    return None


class RecurrentCell(Layer):
    """Base class of the built-in cells. A cell computes one timestep: `call(inputs, states, training=None)`
    returns `(output, new_states)`; `state_size` gives the size of each state. A built-in cell also runs a
    whole sequence at once through its op (`call_sequence`), which is what `RNN` uses when it can.

    Subclasses set `gates` (how many blocks of `units` columns the kernels have) and `op` (the registered op
    name), and implement `step` (the equations, with kcore ops) and `_op_arguments`.
    """

    gates = 1
    op = None

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.units = checks.positive_int(where, "units", units)
        self.activation = get_activation(activation, f"{where}: `activation`")
        self.use_bias = bool(use_bias)
        for name, kind, value in (
                ("kernel_initializer", "initializer", kernel_initializer),
                ("recurrent_initializer", "initializer", recurrent_initializer),
                ("bias_initializer", "initializer", bias_initializer),
                ("kernel_regularizer", "regularizer", kernel_regularizer),
                ("recurrent_regularizer", "regularizer", recurrent_regularizer),
                ("bias_regularizer", "regularizer", bias_regularizer),
                ("kernel_constraint", "constraint", kernel_constraint),
                ("recurrent_constraint", "constraint", recurrent_constraint),
                ("bias_constraint", "constraint", bias_constraint)):
            setattr(self, name, resolve(kind, value, f"{where}: `{name}`"))
        self.dropout = checks.number(where, "dropout", dropout, low=0, high=1, high_inclusive=False)
        self.recurrent_dropout = checks.number(where, "recurrent_dropout", recurrent_dropout, low=0, high=1,
                                               high_inclusive=False)
        self.seed = checks.seed(where, seed)
        self.seed_generator = seed_generator(self.seed)
        self.output_size = self.units
        self._dropout_mask = self._recurrent_dropout_mask = None
        self.kernel = self.recurrent_kernel = self.bias = None

    @property
    def state_size(self):
        return self.units

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [ops.zeros((batch_size, size), dtype=self.dtype) for size in sizes]

    # -- weights ------------------------------------------------------------------------------------------

    def build(self, input_shape):
        checks.rank(checks.describe(self), input_shape, 2, "(batch, features): one timestep")
        if input_shape[-1] is None:
            raise ShapeError(f"{checks.describe(self)} needs the number of input features to create its kernel; "
                             f"received shape {tuple(input_shape)}.")
        width = self.gates * self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], width), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, width), initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=self._bias_shape(), initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    # -- dropout: one mask per sequence, as Keras's DropoutRNNCell ------------------------------------------

    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = random.dropout(ops.ones_like(step_input), self.dropout, seed=self.seed_generator)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_state):
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = random.dropout(ops.ones_like(step_state), self.recurrent_dropout,
                                                          seed=self.seed_generator)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    def _dropped(self, inputs, states, training):
        """The step's inputs and first state with this sequence's dropout masks applied, in training."""
        h = states[0]
        if training and self.dropout > 0:
            inputs = ops.multiply(inputs, self.get_dropout_mask(inputs))
        if training and self.recurrent_dropout > 0:
            h = ops.multiply(h, self.get_recurrent_dropout_mask(h))
        return inputs, h

    # -- computing ----------------------------------------------------------------------------------------

    def _fusable(self, training):
        return not (training and self.recurrent_dropout > 0) and None not in self._fused_activations()

    def _fused_activations(self):
        return (fused_name(self.activation),)

    def call(self, inputs, states=None, training=False):
        nested = isinstance(states, (list, tuple))
        states = self.get_initial_state(inputs.shape[0]) if states is None else list(states) if nested else [states]
        if self._fusable(training):
            _, output, new_states = self.call_sequence(ops.expand_dims(inputs, 1), states, training=training)
        else:
            output, new_states = self.step(inputs, states, training)
        return output, new_states if nested or len(new_states) > 1 else new_states[0]

    def call_sequence(self, sequences, states, mask=None, go_backwards=False, zero_output_for_mask=False,
                      training=False):
        """The whole sequence through the cell's op: `(outputs, last_output, new_states)`, or None when this
        configuration (an activation without a fused form, recurrent dropout in training) needs `step`."""
        if not self._fusable(training):
            return None
        if training and self.dropout > 0:
            dropped = self.get_dropout_mask(sequences[:, 0])  # one mask for every timestep, as Keras
            sequences = ops.multiply(sequences, ops.expand_dims(dropped, 1))
        time = sequences.shape[1]
        packed = manager().get("op", self.op)(
            sequences, self.kernel, self.recurrent_kernel, self.bias, *states, mask=mask, go_backwards=go_backwards,
            zero_output_for_mask=zero_output_for_mask, **self._op_arguments())
        new_states = [packed[:, time + i] for i in range(len(states))]
        return packed[:, :time], packed[:, time - 1], new_states

    def step(self, inputs, states, training):
        raise NotImplementedError

    def _op_arguments(self):
        return {"activation": fused_name(self.activation)}

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": serialize(self.activation, "activation"), "use_bias": self.use_bias,
                **{name: serialize(getattr(self, name), kind) for name, kind in (
                    ("kernel_initializer", "initializer"), ("recurrent_initializer", "initializer"),
                    ("bias_initializer", "initializer"), ("kernel_regularizer", "regularizer"),
                    ("recurrent_regularizer", "regularizer"), ("bias_regularizer", "regularizer"),
                    ("kernel_constraint", "constraint"), ("recurrent_constraint", "constraint"),
                    ("bias_constraint", "constraint"))},
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}
