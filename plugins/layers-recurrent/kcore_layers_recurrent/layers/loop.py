"""The parts of `RNN.call` that are not the fused ops: masks and states checked and put in shape, the state
variables of stateful layers, and the general loop that steps any cell one timestep at a time under the tape."""

from kcore_layers_core import checks

from kcore import backend, ops
from kcore.autodiff import Node
from kcore.errors import ShapeError
from kcore.utils import tree
from kcore.variables import Variable


def _value(x):
    return x.value if isinstance(x, Node) else x


def timestep_mask(layer, mask, sequences):
    """The mask as booleans `(batch, timesteps)` of the backend, or None. A list of masks (one per input of a
    layer called on several tensors) gives its first, as Keras."""
    if isinstance(mask, (list, tuple)):
        mask = tree.flatten(mask)[0] if mask else None
    if mask is None:
        return None
    mask = backend.get().xp.asarray(_value(mask))
    if tuple(mask.shape) != tuple(sequences.shape[:2]):
        raise ShapeError(f"{checks.describe(layer)}: the mask must have shape (batch, timesteps) = "
                         f"{tuple(sequences.shape[:2])}; received shape {tuple(mask.shape)}.")
    return mask.astype(bool, copy=False)


def _zero_states(layer, batch):
    make = getattr(layer.cell, "get_initial_state", None)
    if make is not None:
        states = make(batch_size=batch)
        return list(states) if isinstance(states, (list, tuple)) else [states]
    return [ops.zeros((batch, size), dtype=layer.dtype) for size in layer.state_size]


def initial_states(layer, initial_state, batch):
    """The states to start from, in the structure of `layer.state_size`: `initial_state` (checked and cast),
    else a stateful layer's saved states, else zeros."""
    if initial_state is None:
        if not layer.stateful:
            return _zero_states(layer, batch)
        if layer.states is None:
            layer.states = state_variables(layer, batch)
        held = tree.flatten(layer.states)[0].shape[0]
        if held != batch:
            raise ShapeError(f"{checks.describe(layer)} is stateful with a batch size of {held}; received a batch of "
                             f"{batch}. A stateful layer needs the same batch size at every call: pass batch_size= "
                             f"to Input and to fit, with a number of samples that it divides.")
        # copies: the variables are overwritten with the new states while the tape still needs the old ones
        return tree.map_structure(lambda v: v.value.copy(), layer.states)
    given = tree.flatten(initial_state)
    sizes = tree.flatten(layer.state_size)
    if len(given) != len(sizes):
        raise ShapeError(f"{checks.describe(layer)} has {len(sizes)} state(s) of sizes {layer.state_size}; "
                         f"`initial_state` has {len(given)} array(s). Pass a list of {len(sizes)} arrays of shape "
                         f"(batch, size), e.g. [h, c] for an LSTM.")
    checked = []
    for i, (state, size) in enumerate(zip(given, sizes, strict=True)):
        if not hasattr(state, "shape"):
            state = ops.convert_to_tensor(state)
        if tuple(state.shape) != (batch, size):
            raise ShapeError(f"{checks.describe(layer)}: initial_state[{i}] must have shape (batch, {size}) = "
                             f"{(batch, size)}; received shape {tuple(state.shape)}.")
        kind = getattr(state.dtype, "kind", None)
        checked.append(ops.cast(state, layer.dtype) if kind != "f" or str(state.dtype) != layer.dtype else state)
    return tree.pack_sequence_as(layer.state_size, checked)


def state_variables(layer, batch):
    """Non-trainable zero Variables, one per state, for a stateful layer (not among its weights, as in Keras)."""

    def variable(size):
        state = Variable(ops.zeros((batch, size), dtype=layer.dtype), trainable=False, name="rnn_state")
        state.path = f"{layer.name}/rnn_state"
        return state

    return tree.map_structure(variable, layer.state_size)


def reset_dropout_masks(cell):
    """Forget the dropout masks of `cell` (and of the cells it stacks), so that each sequence draws new ones."""
    for method in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
        if hasattr(cell, method):
            getattr(cell, method)()
    for inner in getattr(cell, "cells", ()):
        reset_dropout_masks(inner)


def _initial_output(layer, states, output):
    """What a masked first timestep outputs: the state that the output continues (the first state of the last
    stacked cell), when it has the output's shape; else zeros."""
    candidate = tree.flatten(states[-1] if isinstance(getattr(layer.cell, "cells", None), list) else states)[0]
    return candidate if tuple(candidate.shape) == tuple(output.shape) else ops.zeros_like(output)


def step_by_step(layer, sequences, states, mask, training):
    """Any cell, one timestep at a time: `(outputs or None, last_output, new_states)`."""
    cell = layer.cell
    kwargs = {"training": training} if getattr(cell, "_call_takes_training", False) else {}
    step = cell if callable(cell) else cell.call
    steps = ops.unstack(sequences, axis=1)
    order = range(len(steps) - 1, -1, -1) if layer.go_backwards else range(len(steps))
    outputs, previous = [], None
    for t in order:
        output, new_states = step(steps[t], states, **kwargs)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if mask is not None:
            keep = mask[:, t: t + 1]
            flat = [ops.where(keep, new, old) for new, old in zip(tree.flatten(new_states), tree.flatten(states),
                                                                  strict=True)]
            new_states = tree.pack_sequence_as(new_states, flat)
            if layer.zero_output_for_mask:
                output = ops.where(keep, output, 0.0)
            else:
                previous = _initial_output(layer, states, output) if previous is None else previous
                output = ops.where(keep, output, previous)
        outputs.append(output)
        previous, states = output, new_states
    sequence = ops.stack(outputs, axis=1) if layer.return_sequences else None
    return sequence, outputs[-1], states
