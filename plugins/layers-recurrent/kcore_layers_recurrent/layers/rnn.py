"""RNN: a cell run over the timesteps of a sequence."""

from kcore_layers_core import checks
from kcore_layers_core.serialization import resolve, serialize

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore.utils import tree
from kcore_layers_recurrent.layers import loop
from kcore_layers_recurrent.layers.stacked_rnn_cells import StackedRNNCells
from kcore_layers_recurrent.nested import deserialize_layer, serialize_layer


class RNN(Layer):
    """Runs `cell` over the timesteps of inputs `(batch, timesteps, features)`.

    A cell is a layer (or any object) with `state_size` (an int, or a list of ints: one per state) and
    `call(inputs, states, training=None) -> (output, new_states)`; a list of cells is stacked
    (`StackedRNNCells`). kcore's own cells (LSTMCell, GRUCell, SimpleRNNCell, and stacks of them) run the whole
    sequence in one op with a hand-written backward pass through time; any other cell is stepped one timestep at
    a time under the tape.

    Args:
        return_sequences: return the output of every timestep `(batch, timesteps, units)`, not only the last.
        return_state: also return the final states: `[output, *states]`.
        go_backwards: process the timesteps last to first (the output sequence comes in that order).
        stateful: start each batch from the final states of the previous one (sample i from sample i);
            `reset_states()` sets them back to zeros. The batch size must then stay the same.
        unroll: accepted for Keras compatibility; the loop is never unrolled.
        zero_output_for_mask: with a mask, output zeros at masked timesteps instead of the previous output.
        activity_regularizer: a penalty on the output, added with `add_loss` at each call.

    Call arguments: `inputs`; `initial_state` (a list of arrays, one per state); `mask` (booleans
    `(batch, timesteps)`, True where a timestep counts: a masked timestep keeps the previous states and outputs
    the previous output); `training`.

    Example:
        >>> layer = RNN(LSTMCell(4), return_sequences=True, return_state=True)
        >>> outputs, h, c = layer(np.ones((2, 5, 3), "float32"))
        >>> outputs.shape, h.shape, c.shape
        ((2, 5, 4), (2, 4), (2, 4))
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, activity_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        where = f"{checks.describe(self)}: `cell`"
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell, dtype=kwargs.get("dtype"))
        cell = deserialize_layer(cell, where, kwargs.get("dtype"))
        if not callable(getattr(cell, "call", None)) or getattr(cell, "state_size", None) is None:
            raise ConfigError(f"{where} must have a `call(inputs, states)` method and a `state_size` attribute (an "
                              f"int, or a list of ints, one per state). Received: {cell!r}")
        self.cell = cell
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.stateful, self.unroll = bool(go_backwards), bool(stateful), bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.activity_regularizer = resolve("regularizer", activity_regularizer,
                                            f"{checks.describe(self)}: `activity_regularizer`")
        self.supports_masking = True
        self.states = None  # the state Variables of a stateful layer, in the structure of `state_size`

    @property
    def state_size(self):
        """One entry per state: an int, or (for stacked cells) a list."""
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def output_size(self):
        return getattr(self.cell, "output_size", None) or tree.flatten(self.state_size)[0]

    # -- shapes -------------------------------------------------------------------------------------------

    def _check_rank(self, shape):
        if shape is not None and len(shape) != 3:
            raise ShapeError(f"{checks.describe(self)} expects inputs of rank 3 (batch, timesteps, features); "
                             f"received shape {tuple(shape)} of rank {len(shape)}. Add a time axis: x[:, None, :] "
                             f"for sequences of one timestep, or x[..., None] for one feature per timestep.")

    def build(self, sequences_shape, initial_state_shape=None):
        self._check_rank(sequences_shape)
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._build_once((sequences_shape[0], *tuple(sequences_shape)[2:]))
        if self.stateful and sequences_shape[0] is not None and self.states is None:
            self.states = loop.state_variables(self, sequences_shape[0])

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        self._check_rank(sequences_shape)
        batch, time = sequences_shape[0], sequences_shape[1]
        output = (batch, time, self.output_size) if self.return_sequences else (batch, self.output_size)
        if not self.return_state:
            return output
        return [output, *tree.map_structure(lambda size: (batch, size), self.state_size)]

    def compute_mask(self, inputs, previous_mask=None):
        mask = tree.flatten(previous_mask)[0] if previous_mask is not None else None
        if mask is None:
            return None
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * len(tree.flatten(self.state_size)) if self.return_state else output_mask

    # -- calling ------------------------------------------------------------------------------------------

    def call(self, sequences, initial_state=None, mask=None, training=False):
        self._check_rank(sequences.shape)
        built_for = self._build_shapes[-1] if self._build_shapes is not None else None
        if built_for is not None and sequences.shape[-1] != built_for:
            raise ShapeError(f"{checks.describe(self)} was built for inputs with {built_for} features; received "
                             f"shape {tuple(sequences.shape)}. Feed sequences of shape (batch, timesteps, "
                             f"{built_for}).")
        if sequences.shape[1] == 0:
            raise ShapeError(f"{checks.describe(self)} received a sequence of 0 timesteps (shape "
                             f"{tuple(sequences.shape)}); it needs at least one.")
        mask = loop.timestep_mask(self, mask, sequences)
        states = loop.initial_states(self, initial_state, sequences.shape[0])
        loop.reset_dropout_masks(self.cell)
        try:
            fused = getattr(self.cell, "call_sequence", None)
            result = fused(sequences, states, mask=mask, go_backwards=self.go_backwards,
                           zero_output_for_mask=self.zero_output_for_mask, training=training) if fused else None
            if result is None:
                result = loop.step_by_step(self, sequences, states, mask, training)
        finally:
            loop.reset_dropout_masks(self.cell)
        outputs, last_output, new_states = result
        if self.stateful:
            for variable, value in zip(tree.flatten(self.states), tree.flatten(new_states), strict=True):
                variable.assign(value)
        output = outputs if self.return_sequences else last_output
        if self.activity_regularizer is not None:
            self.add_activity_loss(output)
        return [output, *new_states] if self.return_state else output

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("cell"), dict):
            config["cell"] = deserialize_layer(config["cell"], f"{cls.__name__} config: `cell`", config.get("dtype"),
                                               custom_objects)
        return cls(**config)

    def reset_states(self, states=None):
        """Set the states of a stateful layer to zeros, or to `states` (a list of arrays, one per state)."""
        if self.states is None:
            return
        values = [None] * len(tree.flatten(self.states)) if states is None else tree.flatten(states)
        variables = tree.flatten(self.states)
        if len(values) != len(variables):
            raise ShapeError(f"{checks.describe(self)}.reset_states: the layer has {len(variables)} states; received "
                             f"{len(values)} arrays.")
        for variable, value in zip(variables, values, strict=True):
            variable.assign(ops.zeros_like(variable.value) if value is None else value)

    reset_state = reset_states

    def get_config(self):
        config = {**super().get_config(), "return_sequences": self.return_sequences,
                  "return_state": self.return_state, "go_backwards": self.go_backwards, "stateful": self.stateful,
                  "unroll": self.unroll, "zero_output_for_mask": self.zero_output_for_mask,
                  "cell": serialize_layer(self.cell)}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = serialize(self.activity_regularizer, "regularizer")
        return config
