"""Model configs in Keras 3's layout, and rebuilding models from them."""

from kcore.errors import ConfigError
from kcore.layers.input_layer import InputLayer
from kcore.layers.symbolic import KerasTensor
from kcore.saving import keras_ops
from kcore.saving.serialization import deserialize_keras_object, serialize_keras_object
from kcore.utils import tree

TENSOR = "__keras_tensor__"


def sequential_config(model):
    layers = []
    if model._input_layer is not None:
        layers.append(serialize_keras_object(model._input_layer))
    layers += [serialize_keras_object(layer) for layer in model._stack]
    config = {"name": model.name, "trainable": model.trainable, "dtype": model.dtype, "layers": layers}
    if model._input_layer is not None:
        config["build_input_shape"] = list(model._input_layer.batch_shape)
    return config


def sequential_from_config(cls, config, custom_objects=None):
    layers = [deserialize_keras_object(c, custom_objects) for c in config.get("layers", [])]
    return cls(layers, trainable=config.get("trainable", True), name=config.get("name"))


def functional_config(model):
    """Each layer with the nodes (calls) it has inside this model, and the model's inputs and outputs.

    A layer shared with other models has calls outside this one: node indices are renumbered to count only
    this model's calls, so that the config rebuilds on its own."""
    in_model = {id(node) for node in model._nodes}
    local = {}  # id(node) -> its index among this model's calls of its layer
    for layer in model._graph_layers:
        own = [n for n in layer._inbound_nodes if id(n) in in_model or isinstance(layer, InputLayer)]
        for i, node in enumerate(own[:1] if isinstance(layer, InputLayer) else own):
            local[id(node)] = i

    def history(tensor):
        layer, node_index, tensor_index = tensor.history
        return [layer.name, local.get(id(layer._inbound_nodes[node_index]), node_index), tensor_index]

    def encode(value):
        return tree.map_structure(lambda v: {"class_name": TENSOR, "config": {
            "shape": list(v.shape), "dtype": v.dtype, "keras_history": history(v)}}
            if isinstance(v, KerasTensor) else keras_ops.encode_value(v), value)

    layers = []
    for layer in model._graph_layers:
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [{"args": encode(list(node.args)), "kwargs": encode(node.kwargs)}
                                  for node in layer._inbound_nodes if id(node) in in_model]
        layers.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": tree.map_structure(history, model._inputs_struct),
            "output_layers": tree.map_structure(history, model._outputs_struct)}


def _is_tensor_config(value):
    return isinstance(value, dict) and value.get("class_name") == TENSOR


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild the layers, then replay their calls in dependency order."""
    layers = {}
    pending = []
    for entry in config["layers"]:
        layer = deserialize_keras_object(entry, custom_objects)
        layers[entry.get("name", layer.name)] = layer
        pending += [(entry.get("name", layer.name), node) for node in entry.get("inbound_nodes", [])]
    outputs = {}  # (layer name, node index) -> output tensors
    for name, layer in layers.items():
        if hasattr(layer, "output_tensor"):  # an InputLayer
            outputs[name, 0] = [layer.output_tensor]
    node_counts = {}

    def resolve(value):  # a tensor's config is itself a dict: look for it before descending into dicts
        if _is_tensor_config(value):
            source, node_index, tensor_index = value["config"]["keras_history"]
            return outputs[source, node_index][tensor_index]
        special = keras_ops.decode_value(value)  # a slice, Ellipsis or NumPy array in Keras's form
        if special is not None:
            return special
        if isinstance(value, (list, tuple)):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    def ready(value):
        found = []

        def collect(v):
            if _is_tensor_config(v):
                found.append(tuple(v["config"]["keras_history"][:2]))
            elif isinstance(v, dict):
                for item in v.values():
                    collect(item)
            elif isinstance(v, (list, tuple)):
                for item in v:
                    collect(item)

        collect(value)
        return all(key in outputs for key in found)

    while pending:
        progressed = False
        for item in list(pending):
            name, node = item
            if not ready(node):
                continue
            args = [resolve(a) for a in node.get("args", [])]
            kwargs = {k: resolve(v) for k, v in node.get("kwargs", {}).items()}
            index = node_counts.get(name, 0)
            node_counts[name] = index + 1
            outputs[name, index] = tree.flatten(layers[name](*args, **kwargs))
            pending.remove(item)
            progressed = True
        if not progressed:
            raise ConfigError(f"The model config cannot be rebuilt: the calls of {[n for n, _ in pending]} depend "
                              f"on tensors that no layer produces. The file may be corrupt.")

    def tensor(ref):
        name, node_index, tensor_index = ref
        return outputs[name, node_index][tensor_index]

    def structure(refs):
        if isinstance(refs, dict):
            return {k: structure(v) for k, v in refs.items()}
        if refs and isinstance(refs[0], str):
            return tensor(refs)
        return [structure(r) for r in refs]

    return cls(structure(config["input_layers"]), structure(config["output_layers"]), name=config.get("name"),
               trainable=config.get("trainable", True))
