"""ConvLSTM: what ConvLSTM1D, ConvLSTM2D and ConvLSTM3D share."""

from kcore_layers_core import checks

from kcore import ops
from kcore.errors import ShapeError
from kcore.utils import tree
from kcore.variables import Variable
from kcore_layers_recurrent.layers import loop
from kcore_layers_recurrent.layers.cell_rnn import CellRNN
from kcore_layers_recurrent.layers.conv_lstm_cell import ConvLSTMCell

#: the cell's window arguments, read as the layer's own attributes (`layer.filters`, `layer.padding`, ...)
WINDOW_ARGUMENTS = frozenset(("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate"))
_FRAME = {1: "rows", 2: "rows, cols", 3: "dim1, dim2, dim3"}


class ConvLSTM(CellRNN):
    """An LSTM whose input and recurrent transformations are convolutions (Shi et al., 2015), over sequences of
    frames: (batch, time, *spatial, channels) with channels_last, (batch, time, channels, *spatial) with
    channels_first. The subclasses fix `rank`, the number of spatial axes.

    The inputs of every timestep are convolved in one call (time folded into the batch); each timestep then
    adds one "same"-padded, stride-1 convolution of the state h, under the tape. Weights and config as Keras 3:
    `layer.cell.kernel` (*kernel_size, channels, 4 * filters), `recurrent_kernel` (*kernel_size, filters,
    4 * filters), `bias` (4 * filters,), gates i, f, c, o. The states h and c, and the output, have the shape of
    the input convolution's output: `filters` channels, and spatial axes set by strides, padding and dilation.

    Args: filters, kernel_size, strides, padding ("valid" or "same"), data_format (default: the config's
    `image_data_format`), dilation_rate (not with strides > 1), then those of `LSTM`: activations, initializers,
    unit_forget_bias, regularizers, constraints, dropout and recurrent_dropout (one mask per gate per sequence,
    as Keras), seed, return_sequences, return_state (`[output, h, c]`), go_backwards, stateful. A `mask`
    (batch, time) works as for LSTM: a masked timestep keeps the states.
    """

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        name = kwargs.get("name")
        cell = ConvLSTMCell(self.rank, filters, kernel_size, strides=strides, padding=padding,
                            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                            recurrent_activation=recurrent_activation, use_bias=use_bias,
                            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                            where=f"{type(self).__name__} '{name}'" if name else type(self).__name__,
                            **self.cell_options(kwargs, "conv_lstm_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, activity_regularizer=activity_regularizer,
                         **kwargs)
        cell.where = checks.describe(self)

    def __getattr__(self, name):
        cell = self.__dict__.get("cell")
        if cell is not None and name in WINDOW_ARGUMENTS:
            return getattr(cell, name)
        return super().__getattr__(name)

    # -- shapes ---------------------------------------------------------------------------------------------

    def _check_rank(self, shape):
        expected = self.rank + 3
        if shape is None or len(shape) == expected:
            return
        last = self.cell.data_format == "channels_last"
        layout = (f"(batch, time, {_FRAME[self.rank]}, channels)" if last
                  else f"(batch, time, channels, {_FRAME[self.rank]})")
        if len(shape) == expected - 1:
            fix = (f"For one frame per sample, add a time axis: x[:, None]; for frames without a channel axis, add "
                   f"one: {'x[..., None]' if last else 'x[:, :, None]'}.")
        elif len(shape) in (4, 5, 6):
            frames = len(shape) - 3
            fix = f"Inputs of rank {len(shape)} are sequences of {frames}D frames: use ConvLSTM{frames}D."
        else:
            fix = f"Feed a batch of sequences of {self.rank}D frames."
        raise ShapeError(f"{checks.describe(self)} expects inputs of rank {expected} {layout} "
                         f"({self.cell.data_format}); received shape {tuple(shape)} of rank {len(shape)}. {fix}")

    def _state_shape(self, sequences_shape):
        return self.cell.state_shape((sequences_shape[0], *tuple(sequences_shape)[2:]))

    def build(self, sequences_shape, initial_state_shape=None):
        self._check_rank(sequences_shape)
        if not self.cell.built:
            self.cell._build_once((sequences_shape[0], *tuple(sequences_shape)[2:]))
        shape = self._state_shape(sequences_shape)
        if self.stateful and self.states is None and None not in shape:
            self.states = self._state_variables(shape)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        self._check_rank(sequences_shape)
        state = self._state_shape(sequences_shape)
        output = (state[0], sequences_shape[1], *state[1:]) if self.return_sequences else state
        return [output, state, state] if self.return_state else output

    # -- states ---------------------------------------------------------------------------------------------

    def _state_variables(self, shape):
        def variable():
            state = Variable(ops.zeros(shape, dtype=self.dtype), trainable=False, name="rnn_state")
            state.path = f"{self.name}/rnn_state"
            return state

        return [variable(), variable()]

    def _initial_states(self, initial_state, shape):
        """`initial_state` checked and cast, else a stateful layer's states, else zeros: `[h, c]` of `shape`."""
        if initial_state is None and not self.stateful:
            return [ops.zeros(shape, dtype=self.dtype), ops.zeros(shape, dtype=self.dtype)]
        if initial_state is None:
            if self.states is None:
                self.states = self._state_variables(shape)
            held = tuple(self.states[0].shape)
            if held != shape:
                raise ShapeError(f"{checks.describe(self)} is stateful with states of shape {held}; these inputs "
                                 f"need states of shape {shape}. A stateful layer needs the same batch size and "
                                 f"frame size at every call: pass batch_size= to Input and to fit.")
            # copies: the variables are overwritten with the new states while the tape still needs the old ones
            return [v.value.copy() for v in self.states]
        given = tree.flatten(initial_state)
        if len(given) != 2:
            raise ShapeError(f"{checks.describe(self)} has 2 states (h and c), each of shape {shape} for these "
                             f"inputs; `initial_state` has {len(given)} array(s). Pass [h, c].")
        checked = []
        for i, state in enumerate(given):
            state = state if hasattr(state, "shape") else ops.convert_to_tensor(state)
            if tuple(state.shape) != shape:
                raise ShapeError(f"{checks.describe(self)}: initial_state[{i}] must have shape {shape} (the output "
                                 f"of the input convolution); received shape {tuple(state.shape)}.")
            checked.append(state if str(state.dtype) == self.dtype else ops.cast(state, self.dtype))
        return checked

    # -- calling --------------------------------------------------------------------------------------------

    def call(self, sequences, initial_state=None, mask=None, training=False):
        self._check_rank(sequences.shape)
        cell = self.cell
        channels, built_for = sequences.shape[-1 if cell.channel_axis < 0 else 2], cell.kernel.shape[-2]
        if channels != built_for:
            raise ShapeError(f"{checks.describe(self)} was built for frames with {built_for} channels; received "
                             f"shape {tuple(sequences.shape)} ({cell.data_format}).")
        if sequences.shape[1] == 0:
            raise ShapeError(f"{checks.describe(self)} received a sequence of 0 timesteps (shape "
                             f"{tuple(sequences.shape)}); it needs at least one.")
        mask = loop.timestep_mask(self, mask, sequences)
        states = self._initial_states(initial_state, self._state_shape(sequences.shape))
        loop.reset_dropout_masks(cell)
        try:
            outputs, states = self._run(sequences, states, mask, training)
        finally:
            loop.reset_dropout_masks(cell)
        if self.stateful:
            for variable, value in zip(self.states, states, strict=True):
                variable.assign(value)
        output = ops.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        if self.activity_regularizer is not None:
            self.add_activity_loss(output)
        return [output, *states] if self.return_state else output

    def _run(self, sequences, states, mask, training):
        """The timesteps in processing order: `(outputs, final [h, c])`. A masked timestep keeps the states and
        outputs h (zeros with `zero_output_for_mask`)."""
        steps = ops.unstack(self.cell.project(sequences, training), axis=1)
        keep = None if mask is None else mask.reshape(*mask.shape, *(1,) * (self.rank + 1))
        outputs = []
        for t in reversed(range(len(steps))) if self.go_backwards else range(len(steps)):
            output, new_states = self.cell.step(steps[t], states, training)
            if keep is None:
                states = new_states
            else:
                states = [ops.where(keep[:, t], new, old) for new, old in zip(new_states, states, strict=True)]
                output = ops.where(keep[:, t], output, 0.0) if self.zero_output_for_mask else states[0]
            outputs.append(output)
        return outputs, states
