"""Bidirectional: a recurrent layer run forwards and backwards, outputs merged."""

import inspect

from kcore_layers_core import checks

from kcore import ops
from kcore.errors import ConfigError
from kcore.layers.layer import Layer
from kcore_layers_recurrent.nested import deserialize_layer, serialize_layer

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _classes(layer):
    """The classes of `layer` and of every layer inside it, by name: what a copy from its config must find."""
    found = {type(layer).__name__: type(layer)}
    for inner in layer._sublayers() if isinstance(layer, Layer) else ():
        found.update(_classes(inner))
    return found


def _renamed_copy(layer, prefix, **changes):
    """A fresh layer from `layer`'s config, named `<prefix><name>` (the prefix never repeated)."""
    config = layer.get_config()
    name = config.get("name", layer.name)
    config.update(name=prefix + name.removeprefix(prefix), **changes)
    if "custom_objects" in inspect.signature(type(layer).from_config).parameters:
        return type(layer).from_config(config, custom_objects=_classes(layer))
    return type(layer).from_config(config)


class Bidirectional(Layer):
    """Runs a recurrent layer over the sequence forwards and a copy of it backwards, and merges their outputs.

    The forward layer is a fresh copy of `layer` (named `forward_<name>`); the backward one is `backward_layer`,
    or a copy of `layer` with `go_backwards` flipped. With `return_sequences`, the backward outputs are put back in
    time order before merging, and masked timesteps output zeros in both directions (as Keras 3).

    Args:
        layer: a recurrent layer (RNN, LSTM, GRU, ...), or its config.
        merge_mode: "concat" (default), "sum", "mul", "ave", or None for the list `[forward, backward]`.
        backward_layer: an optional layer for the backward direction; it must have `go_backwards` opposite to
            `layer`'s, and the same `return_sequences`, `return_state` and `stateful`.
        weights: optional initial weights, forward ones then backward ones.

    With `return_state`, the layer returns `[output, *forward_states, *backward_states]`; `initial_state` takes the
    forward states then the backward ones.

    Example:
        >>> layer = Bidirectional(LSTM(4, return_sequences=True))
        >>> layer(np.ones((2, 5, 3), "float32")).shape
        (2, 5, 8)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        layer = deserialize_layer(layer, f"{where}: `layer`", kwargs.get("dtype"))
        backward_layer = deserialize_layer(backward_layer, f"{where}: `backward_layer`", kwargs.get("dtype"))
        for argument, value in (("layer", layer), ("backward_layer", backward_layer)):
            if value is not None and not isinstance(value, Layer):
                raise ConfigError(f"{where}: `{argument}` must be a layer. Received: {value!r}")
        if merge_mode not in _MERGE_MODES:
            raise ConfigError(f"{where}: `merge_mode` must be one of {_MERGE_MODES}. Received: "
                              f"merge_mode={merge_mode!r}")
        self.forward_layer = _renamed_copy(layer, "forward_")
        self.backward_layer = backward_layer if backward_layer is not None else _renamed_copy(
            layer, "backward_", go_backwards=not layer.go_backwards)
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ConfigError(f"{where}: the forward and backward layers must have different `go_backwards`; both "
                              f"have go_backwards={self.forward_layer.go_backwards}.")
        for attribute in ("stateful", "return_sequences", "return_state"):
            forward, backward = getattr(self.forward_layer, attribute), getattr(self.backward_layer, attribute)
            if forward != backward:
                raise ConfigError(f"{where}: the forward and backward layers must agree on `{attribute}`; received "
                                  f"{forward} and {backward}.")
        for direction in (self.forward_layer, self.backward_layer):
            if hasattr(direction, "zero_output_for_mask"):
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = weights
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True

    def build(self, sequences_shape, initial_state_shape=None):
        for direction in (self.forward_layer, self.backward_layer):
            if not direction.built:
                direction._build_once(tuple(sequences_shape))
        if self._initial_weights is not None:
            weights, self._initial_weights = self._initial_weights, None
            self.set_weights(weights)

    def _merge(self, forward, backward):
        if self.merge_mode == "concat":
            return ops.concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return ops.add(forward, backward)
        if self.merge_mode == "mul":
            return ops.multiply(forward, backward)
        if self.merge_mode == "ave":
            return ops.multiply(ops.add(forward, backward), 0.5)
        return [forward, backward]

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if self.forward_layer._call_takes_training:
            kwargs["training"] = training
        if self.forward_layer._call_takes_mask and mask is not None:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_reversed = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_reversed[1:])
            y, y_reversed = y[0], y_reversed[0]
        if self.return_sequences:
            y_reversed = ops.flip(y_reversed, axis=1)
        output = self._merge(y, y_reversed)
        if not self.return_state:
            return output
        return [*output, *states] if self.merge_mode is None else [output, *states]

    def _output_structure(self, output, states):
        """`[output, *states]` in the structure this layer returns: two outputs when merge_mode is None, the
        forward layer's states then the backward layer's."""
        outputs = [output, output] if self.merge_mode is None else [output]
        if not self.return_state:
            return outputs if self.merge_mode is None else output
        return [*outputs, *states, *states]

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shape, states = self.forward_layer.compute_output_shape(sequences_shape), []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
        if self.merge_mode == "concat":
            shape = (*shape[:-1], shape[-1] * 2)
        return self._output_structure(shape, states)

    def compute_mask(self, inputs, previous_mask=None):
        if isinstance(previous_mask, (list, tuple)):
            previous_mask = previous_mask[0] if previous_mask else None
        if previous_mask is None:
            return None
        states = [None] * len(self.forward_layer.state_size) if self.return_state else []
        return self._output_structure(previous_mask if self.return_sequences else None, states)

    @property
    def states(self):
        if self.forward_layer.states is not None and self.backward_layer.states is not None:
            return [*self.forward_layer.states, *self.backward_layer.states]
        return None

    def reset_states(self):
        if not self.stateful:
            raise ConfigError(f"{checks.describe(self)}.reset_states: the layer is not stateful.")
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("layer", "backward_layer"):
            if isinstance(config.get(key), dict):
                config[key] = deserialize_layer(config[key], f"{cls.__name__} config: `{key}`", config.get("dtype"),
                                                custom_objects)
        return cls(**config)

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode, "layer": serialize_layer(self.forward_layer),
                "backward_layer": serialize_layer(self.backward_layer)}
