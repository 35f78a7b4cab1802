"""Functional models: a graph of layer calls from `Input`s to outputs, replayed on data."""

import warnings

from kcore.errors import ConfigError, ShapeError
from kcore.layers.input_layer import InputLayer
from kcore.layers.symbolic import KerasTensor
from kcore.models.model import Model
from kcore.utils import tree


def _graph_nodes(outputs, inputs):
    """The layer calls between `inputs` and `outputs`, each after the calls that feed it."""
    known = {id(t) for t in inputs}
    order, visited, stack = [], set(), [(t, False) for t in reversed(outputs)]
    while stack:
        tensor, expanded = stack.pop()
        if tensor.history is None:
            raise ConfigError(f"Model outputs must come from layers called on Input tensors; {tensor!r} has no "
                              f"history. Build it with kcore.layers.Input(...) and layer calls.")
        layer, node_index, _ = tensor.history
        node = layer._inbound_nodes[node_index]
        if expanded:
            order.append(node)
            continue
        if id(node) in visited or id(tensor) in known:
            continue
        if isinstance(layer, InputLayer):
            raise ConfigError(f"Graph disconnected: the input {tensor.name!r} is needed to compute the outputs, "
                              f"but it is not among the model's inputs {[t.name for t in inputs]}. Pass it in "
                              f"Model(inputs=[...]).")
        visited.add(id(node))
        stack.append((tensor, True))
        stack.extend((t, False) for t in reversed(node.input_tensors))
    return order


class Functional(Model):
    """A model defined by `Model(inputs, outputs)`: multiple inputs and outputs, shared layers, nested models,
    and ops on symbolic tensors (`x = x + residual`).

    Example:
        >>> inputs = Input(shape=(32,))
        >>> outputs = layers.Dense(10)(layers.Dense(32, activation="relu")(inputs))
        >>> model = Model(inputs, outputs)
    """

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        if "input" in kwargs or "output" in kwargs:
            warnings.warn("Model(input=..., output=...) is a legacy spelling; use Model(inputs=..., outputs=...).",
                          DeprecationWarning, stacklevel=3)
            inputs = kwargs.pop("input", inputs)
            outputs = kwargs.pop("output", outputs)
        super().__init__(name=name, trainable=trainable, **kwargs)
        if inputs is None or outputs is None:
            raise ConfigError("Model(inputs, outputs): both are required for a functional model.")
        self._inputs_struct = inputs.copy() if isinstance(inputs, (list, dict)) else inputs
        self._outputs_struct = outputs.copy() if isinstance(outputs, (list, dict)) else outputs
        self.inputs = tree.flatten(inputs)
        self.outputs = tree.flatten(outputs)
        for t in self.inputs + self.outputs:
            if not isinstance(t, KerasTensor):
                raise ConfigError(f"Model inputs and outputs must be symbolic tensors from kcore.layers.Input and "
                                  f"layer calls; received a {type(t).__name__}.")
        for t in self.inputs:
            if not isinstance(t.history[0], InputLayer):
                raise ConfigError(f"Model inputs must be made by kcore.layers.Input; {t.name!r} comes from layer "
                                  f"'{t.history[0].name}'.")
        self._nodes = _graph_nodes(self.outputs, self.inputs)
        self._input_layers = [t.history[0] for t in self.inputs]
        from kcore.saving.object_tree import keras_layer_order

        # Keras's order (inputs first, by depth), so that get_weights() lines up with a Keras model's; the ops
        # recorded on symbolic tensors follow (they hold no weights, and Keras does not list them as layers)
        ordered = keras_layer_order(self)
        known = {id(layer) for layer in ordered}
        ops = [node.layer for node in self._nodes if id(node.layer) not in known]
        self._graph_layers = ordered + list({id(layer): layer for layer in ops}.values())
        names = [layer.name for layer in self._graph_layers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ConfigError(f"Model '{self.name}': layer names must be unique within a model; {duplicates} "
                              f"appear more than once. Pass name=... to the layers.")
        self.built = True
        self._build_shapes = tree.map_structure(lambda t: t.shape, inputs)

    @property
    def input(self):
        """The model's symbolic input(s), in the structure given to `Model(inputs, outputs)` (transfer learning
        starts from `base_model.input` and `base_model.output`)."""
        return self._inputs_struct

    @property
    def output(self):
        """The model's symbolic output(s), in the structure given to `Model(inputs, outputs)`."""
        return self._outputs_struct

    @property
    def layers(self):
        """The layers, as Keras lists them (the ops applied to symbolic tensors are not layers)."""
        from kcore.layers.op_layer import OpLayer

        return [layer for layer in self._graph_layers if not isinstance(layer, OpLayer)]

    @property
    def input_shape(self):
        return tree.map_structure(lambda t: t.shape, self._inputs_struct)

    @property
    def output_shape(self):
        return tree.map_structure(lambda t: t.shape, self._outputs_struct)

    def _flatten_inputs(self, data):
        if isinstance(self._inputs_struct, dict):
            if not isinstance(data, dict):
                if len(self.inputs) == 1:
                    return [data]
                raise ShapeError(f"Model '{self.name}' takes a dict of inputs {sorted(self._inputs_struct)}; "
                                 f"received a {type(data).__name__}.")
            missing = set(self._inputs_struct) - set(data)
            if missing:
                raise ShapeError(f"Model '{self.name}': missing inputs {sorted(missing)}; received keys "
                                 f"{sorted(data)}.")
            return [data[key] for key in sorted(self._inputs_struct)]
        if isinstance(data, dict):
            by_name = {t.name: t for t in self.inputs}
            if set(data) <= set(by_name) and len(data) == len(self.inputs):
                return [data[t.name] for t in self.inputs]
            raise ShapeError(f"Model '{self.name}' has inputs named {sorted(by_name)}; received a dict with keys "
                             f"{sorted(data)}.")
        flat = tree.flatten(data) if isinstance(data, (list, tuple)) else [data]
        if len(flat) != len(self.inputs):
            raise ShapeError(f"Model '{self.name}' has {len(self.inputs)} inputs; received {len(flat)}. Pass a "
                             f"list with one array per input, in the order of Model(inputs=[...]).")
        return flat

    def call(self, inputs, training=None, mask=None):
        values, masks = {}, {}
        for tensor, value in zip(self.inputs, self._flatten_inputs(inputs), strict=True):
            values[id(tensor)] = check_input(self, tensor, value)
        lookup = values.__getitem__

        def resolve(x):
            return lookup(id(x)) if isinstance(x, KerasTensor) else x

        for node in self._nodes:
            layer = node.layer
            args = tuple(tree.map_structure(resolve, a) for a in node.args)
            kwargs = {k: tree.map_structure(resolve, v) for k, v in node.kwargs.items()}
            inbound_masks = [masks.get(id(t)) for t in node.input_tensors]
            mask_in = inbound_masks[0] if len(inbound_masks) == 1 else (
                inbound_masks if any(m is not None for m in inbound_masks) else None)
            if mask_in is not None and layer._call_takes_mask and "mask" not in kwargs:
                kwargs["mask"] = mask_in
            out = layer(*args, **kwargs)
            out_mask = layer.compute_mask(args[0], mask_in)
            outputs = tree.flatten(out)
            per_output = isinstance(out_mask, (list, tuple)) and len(out_mask) == len(outputs) > 1
            for i, (tensor, value) in enumerate(zip(node.output_tensors, outputs, strict=True)):
                values[id(tensor)] = value
                mask = out_mask[i] if per_output else out_mask
                if mask is not None:
                    masks[id(tensor)] = mask
        outputs = self._outputs_struct
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:  # Model(x, [y]) returns y, as in Keras 3
            outputs = outputs[0]
        return tree.map_structure(resolve, outputs)

    def get_config(self):
        from kcore.models.config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kcore.models.config import functional_from_config

        return functional_from_config(cls, config, custom_objects)


#: (Input shape, data shape) pairs already accepted by `check_input`: a model is fed the same few shapes
_ACCEPTED = set()


def check_input(model, tensor, value):
    """`value` ready to feed the Input `tensor`, or a ShapeError before any work when it cannot (rank or a fixed
    dimension). As in Keras, data one axis short of an Input whose last axis is 1 gains that axis (strings of
    shape (batch,) feed Input(shape=(1,))), and data with one extra axis of size 1 loses it."""
    given = getattr(value, "shape", None)
    if given is None:
        return value
    expected = tensor.shape
    if len(given) == len(expected) - 1 and expected[-1] == 1:
        value = value.reshape(*given, 1)
    elif len(given) == len(expected) + 1 and given[-1] == 1:
        value = value.reshape(*given[:-1])
    shape = value.shape
    try:
        key = (expected, tuple(shape))
        if key in _ACCEPTED:
            return value
    except TypeError:  # an unhashable shape: checked below, not remembered
        key = None
    if len(shape) != len(expected) or any(e is not None and e != s for e, s in zip(expected, shape, strict=False)):
        raise ShapeError(f"Model '{model.name}': input {tensor.name!r} expects shape {expected} (None: any size); "
                         f"received shape {tuple(given)}. Reshape the data (e.g. x.reshape(-1, "
                         f"{', '.join(str(d) for d in expected[1:])})) or change the Input shape.")
    if key is not None:
        if len(_ACCEPTED) >= 1024:
            _ACCEPTED.clear()
        _ACCEPTED.add(key)
    return value
