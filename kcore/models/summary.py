"""`model.summary()`: the Keras table of layers, output shapes and parameter counts."""

from kcore.utils import tree


def _readable_bytes(count):
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.2f} {unit}"
        count /= 1024
    return f"{count:.2f} GB"


def _output_shape(layer):
    if not layer._inbound_nodes:
        return "?"
    shapes = tree.map_structure(lambda t: t.shape, layer._inbound_nodes[0].outputs)
    return str(shapes)


def _params(layer):
    return sum(int(w.size) for w in layer.weights) if layer.built else 0


def _connections(layer):
    if not layer._inbound_nodes:
        return ""
    sources = []
    for tensor in layer._inbound_nodes[0].input_tensors:
        source, node_index, tensor_index = tensor.history
        sources.append(f"{source.name}[{node_index}][{tensor_index}]")
    return ", ".join(sources)


def _weight_stats(weights):
    return sum(int(w.size) for w in weights), sum(int(w.size) * w.dtype.itemsize for w in weights)


def print_summary(model, line_length=None, print_fn=None, show_trainable=False):
    from kcore.models.functional import Functional

    print_fn = print_fn or print
    functional = isinstance(model, Functional)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional else [])
    if show_trainable:
        headers.append("Trainable")
    rows = []
    for layer in getattr(model, "_graph_layers", None) or model.layers:
        row = [f"{layer.name} ({type(layer).__name__})", _output_shape(layer), f"{_params(layer):,}"]
        if functional:
            row.append(_connections(layer) or "-")
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        rows.append(row)
    widths = [max([len(headers[i])] + [len(r[i]) for r in rows]) + 2 for i in range(len(headers))]
    if line_length:
        widths[0] = max(widths[0], line_length - sum(widths[1:]) - len(widths) - 1)

    def cells(values, left, mid, right):
        parts = [(f" {v:>{w - 2}} " if h == "Param #" else f" {v:<{w - 2}} ") for v, w, h in
                 zip(values, widths, headers, strict=True)]
        return left + mid.join(parts) + right

    print_fn(f'Model: "{model.name}"')
    print_fn("┏" + "┳".join("━" * w for w in widths) + "┓")
    print_fn(cells(headers, "┃", "┃", "┃"))
    print_fn("┡" + "╇".join("━" * w for w in widths) + "┩")
    for row in rows:
        print_fn(cells(row, "│", "│", "│"))
    print_fn("└" + "┴".join("─" * w for w in widths) + "┘")
    total = _weight_stats(model.weights)
    trainable = _weight_stats(model.trainable_weights)
    print_fn(f" Total params: {total[0]:,} ({_readable_bytes(total[1])})")
    print_fn(f" Trainable params: {trainable[0]:,} ({_readable_bytes(trainable[1])})")
    print_fn(f" Non-trainable params: {total[0] - trainable[0]:,} ({_readable_bytes(total[1] - trainable[1])})")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and optimizer.built:
        slots = _weight_stats(optimizer.variables[1:])
        print_fn(f" Optimizer params: {slots[0]:,} ({_readable_bytes(slots[1])})")
