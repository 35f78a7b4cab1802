"""StackedRNNCells: several cells acting as one, each feeding the next."""

from kcore_layers_core import checks

from kcore import ops
from kcore.errors import ConfigError
from kcore.layers.layer import Layer
from kcore.utils import tree
from kcore_layers_recurrent.nested import deserialize_layer, serialize_layer


class StackedRNNCells(Layer):
    """A stack of cells that steps like one cell: the output of each is the input of the next; the states are
    one list per cell. `RNN([cell_1, cell_2])` makes one.

    When every cell can run a whole sequence in its fused op, `RNN` runs them one after the other over the
    whole sequence, which gives the same result as stepping the stack.

    Example:
        >>> cells = StackedRNNCells([LSTMCell(8), GRUCell(4)])
        >>> rnn = RNN(cells)
        >>> rnn(np.ones((2, 5, 3), "float32")).shape
        (2, 4)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        where = f"{checks.describe(self)}: `cells`"
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ConfigError(f"{where} must be a non-empty list of cells. Received: {cells!r}")
        self.cells = [deserialize_layer(cell, where, kwargs.get("dtype")) for cell in cells]
        for cell in self.cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ConfigError(f"{where}: each cell needs a `call` method and a `state_size`; received "
                                  f"{type(cell).__name__}.")

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        return getattr(last, "output_size", None) or tree.flatten(last.state_size)[0]

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            if hasattr(cell, "get_initial_state"):
                states.append(cell.get_initial_state(batch_size))
            else:
                sizes = cell.state_size if isinstance(cell.state_size, list) else [cell.state_size]
                states.append([ops.zeros((batch_size, size), dtype=self.dtype) for size in sizes])
        return states

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._build_once(shape)
            shape = (shape[0], getattr(cell, "output_size", None) or tree.flatten(cell.state_size)[0])

    def call(self, inputs, states=None, training=False):
        states = self.get_initial_state(inputs.shape[0]) if states is None else states
        new_states = []
        for cell, cell_states in zip(self.cells, states, strict=True):
            nested = isinstance(cell_states, (list, tuple))
            kwargs = {"training": training} if getattr(cell, "_call_takes_training", False) else {}
            inputs, cell_states = cell(inputs, list(cell_states) if nested else [cell_states], **kwargs)
            new_states.append(list(cell_states) if isinstance(cell_states, (list, tuple)) else [cell_states])
        return inputs, new_states

    def _fusable(self, training):
        return all(hasattr(cell, "call_sequence") and cell._fusable(training) for cell in self.cells)

    def call_sequence(self, sequences, states, mask=None, go_backwards=False, zero_output_for_mask=False,
                      training=False):
        """Each cell over the whole sequence in turn, or None when one of them cannot (see RNN)."""
        if not self._fusable(training):
            return None
        if go_backwards:  # reverse once, so that every cell reads the previous one's outputs in its own order
            sequences = ops.flip(sequences, axis=1)
            mask = None if mask is None else mask[:, ::-1]
        new_states = []
        for i, (cell, cell_states) in enumerate(zip(self.cells, states, strict=True)):
            last = i == len(self.cells) - 1
            sequences, last_output, cell_states = cell.call_sequence(
                sequences, cell_states, mask=mask, zero_output_for_mask=zero_output_for_mask and last,
                training=training)
            new_states.append(cell_states)
        return sequences, last_output, new_states

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["cells"] = [deserialize_layer(cell, f"{cls.__name__} config: `cells`", config.get("dtype"),
                                             custom_objects) for cell in config.get("cells", ())]
        return cls(**config)

    def get_config(self):
        return {**super().get_config(), "cells": [serialize_layer(cell) for cell in self.cells]}
