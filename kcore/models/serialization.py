"""Model configs in Keras 3's format (`{"module", "class_name", "config", "registered_name"}` per object)."""


def serialize_layer(layer):
    from kcore.plugins import manager

    owner = None
    for name, cls in manager().registry.items("layer"):
        if cls is type(layer):
            owner = name
            break
    config = {"module": type(layer).__module__, "class_name": type(layer).__name__, "config": layer.get_config(),
              "registered_name": owner or type(layer).__name__}
    build = layer.get_build_config()
    if build:
        config["build_config"] = build
    return config


def sequential_config(model):
    layers = []
    if model._input_layer is not None:
        layers.append(serialize_layer(model._input_layer))
    layers += [serialize_layer(layer) for layer in model._stack]
    return {"name": model.name, "trainable": model.trainable, "dtype": model.dtype, "layers": layers}


def functional_config(model):
    """Layers with their inbound nodes, and the input/output tensors as [layer name, node index, tensor index]."""
    layers = []
    for layer in model.layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        nodes = []
        for node in layer._inbound_nodes:
            if any(node is n for n in model._nodes):
                nodes.append({"args": [_tensor_ref(t) for t in node.input_tensors], "kwargs": {}})
        entry["inbound_nodes"] = nodes
        layers.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": [_tensor_ref(t) for t in model.inputs],
            "output_layers": [_tensor_ref(t) for t in model.outputs]}


def _tensor_ref(tensor):
    layer, node_index, tensor_index = tensor.history
    return [layer.name, node_index, tensor_index]
