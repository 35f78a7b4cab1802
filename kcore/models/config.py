"""Model configs in Keras 3's layout, and rebuilding models from them."""

from kcore.errors import ConfigError
from kcore.layers.symbolic import KerasTensor
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


def _tensor_config(tensor):
    layer, node_index, tensor_index = tensor.history
    return {"class_name": TENSOR, "config": {"shape": list(tensor.shape), "dtype": tensor.dtype,
                                              "keras_history": [layer.name, node_index, tensor_index]}}


def _encode(value):
    return tree.map_structure(lambda v: _tensor_config(v) if isinstance(v, KerasTensor) else v, value)


def functional_config(model):
    """Each layer with the nodes (calls) it has inside this model, and the model's inputs and outputs."""
    layers = []
    for layer in model.layers:
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [{"args": _encode(list(node.args)), "kwargs": _encode(node.kwargs)}
                                  for node in layer._inbound_nodes if any(node is n for n in model._nodes)]
        layers.append(entry)

    def refs(structure):
        return tree.map_structure(_history_name, structure)

    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": refs(model._inputs_struct), "output_layers": refs(model._outputs_struct)}


def _history_name(tensor):
    layer, node_index, tensor_index = tensor.history
    return [layer.name, node_index, tensor_index]


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
