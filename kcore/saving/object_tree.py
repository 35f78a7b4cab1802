"""Where each object's variables live in a weights file: the path Keras 3 derives from the object tree.

Keras 3 walks a model as a tree of "saveables" (layers, models, the optimizer). The root's own variables go to
`vars/`; a child held in an attribute goes under the attribute's name (`optimizer/vars/`, `cell/vars/`); the
children in a list go under the list's attribute, each named by its class in snake_case, numbered from the second
of a class on (`layers/dense/`, `layers/dense_1/`, `layers/conv2d/`). Sequential and functional models list
`layers` first; other attributes follow in sorted order, private ones (`_name`) last; an object reached twice is
saved once, where it was first reached. A functional model's `layers` are in Keras's order (by depth from the
inputs), so that a file written by either library loads in the other.

An optimizer's slots are filed in the order Keras creates them (its build over the model's trainable variables
in Keras's order), whatever order kcore built them in.

Each object writes and reads its own variables through `save_own_variables(store)` / `load_own_variables(store)`
(see `kcore.layers.Layer` and `kcore.optimizers.Optimizer`).
"""

import collections
import contextlib
import warnings

from kcore.errors import ShapeError
from kcore.layers.input_layer import InputLayer
from kcore.layers.layer import Layer
from kcore.layers.op_layer import OpLayer
from kcore.optimizers.optimizer import Optimizer
from kcore.utils import naming

#: attributes of kcore's Layer, Trainer, Sequential and Functional that are bookkeeping, not children
_INTERNAL = frozenset({
    "name", "dtype", "autocast", "built", "_trainable", "_trainable_variables", "_non_trainable_variables",
    "_losses", "_inbound_nodes", "_build_shapes", "_batch_input_shape",
    "compiled", "stop_training", "history", "_compiled_loss", "_compiled_metrics", "_loss_tracker",
    "_output_loss_trackers", "_compile_config", "_trainable_cache", "_in_fit", "_last_output_losses",
    "_cached_layers", "_initial_epoch",
    "_stack", "_input_layer", "_output_tensor",
    "inputs", "outputs", "_inputs_struct", "_outputs_struct", "_nodes", "_input_layers", "_graph_layers",
})


def _is_saveable(obj):
    return isinstance(obj, (Layer, Optimizer))


def _name_key(name):
    return f"~{name}" if name.startswith("_") else name


def _is_graph_model(obj):
    from kcore.models import Functional, Sequential

    return isinstance(obj, (Sequential, Functional))


def keras_layer_order(model):
    """A functional model's layers as Keras 3 lists them: by decreasing depth, then by first visit in a
    depth-first walk from the outputs (Keras's `map_graph`). Ops on symbolic tensors are not layers there."""
    inputs = {id(t) for t in model.inputs}
    finished, ordered, first_visit = set(), [], {}
    stack = [(t, False) for t in reversed(model.outputs)]
    while stack:
        tensor, expanded = stack.pop()
        layer, node_index, _ = tensor.history
        node = layer._inbound_nodes[node_index]
        if expanded:
            finished.add(id(node))
            ordered.append(node)
            continue
        if id(node) in finished:
            continue
        if not isinstance(layer, InputLayer) and id(tensor) in inputs:
            finished.add(id(node))
            continue
        first_visit.setdefault(id(layer), len(first_visit))
        stack.append((tensor, True))
        if not isinstance(layer, InputLayer):
            stack.extend((t, False) for t in reversed(node.input_tensors))
    in_graph = {id(node) for node in ordered}
    node_depth, layer_depth, layers = {}, {}, {}
    for node in reversed(ordered):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[id(node)] = depth
        layers[id(node.layer)] = node.layer
        for tensor in node.input_tensors:
            parent_layer, parent_index, _ = tensor.history
            parent = parent_layer._inbound_nodes[parent_index]
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for tensor in model.inputs:  # inputs that no output depends on
        layer = tensor.history[0]
        if id(layer) not in layer_depth:
            layer_depth[id(layer)], first_visit[id(layer)], layers[id(layer)] = 0, -1, layer
    by_depth = collections.defaultdict(list)
    for key, depth in layer_depth.items():
        by_depth[depth].append(key)
    order = [key for depth in sorted(by_depth, reverse=True)
             for key in sorted(by_depth[depth], key=first_visit.__getitem__)]
    return [layers[key] for key in order if not isinstance(layers[key], OpLayer)]


def _children(obj):
    """(attribute, child or container) pairs in Keras's order of visit."""
    from kcore.models import Functional, Model

    if isinstance(obj, Functional):
        yield "layers", keras_layer_order(obj)
    elif _is_graph_model(obj):
        yield "layers", obj.layers
    if isinstance(obj, Optimizer):
        return
    attributes = {k: v for k, v in vars(obj).items() if k not in _INTERNAL}
    if isinstance(obj, Model) and not _is_graph_model(obj):
        attributes["layers"] = obj.layers  # Keras walks a subclassed model's `layers` property too
    for name in sorted(attributes, key=_name_key):
        value = attributes[name]
        if _is_saveable(value) or isinstance(value, (list, tuple, dict)):
            yield name, value


def _join(path, name):
    return f"{path}/{name}" if path else name


def walk(root):
    """Every saveable object under `root` with its path, each once, in the order Keras 3 visits them."""
    visited, found = set(), []

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        found.append((path, obj))
        for name, child in _children(obj):
            if _is_saveable(child):
                visit(child, _join(path, name))
            else:
                visit_container(child, _join(path, name), set())

    def visit_container(container, path, containers):
        if id(container) in containers:
            return
        containers.add(id(container))
        used = {}
        for item in (container.values() if isinstance(container, dict) else container):
            if _is_saveable(item):
                visit(item, _join(path, _unique(naming.to_snake_case(type(item).__name__), used)))
            elif isinstance(item, (list, tuple, dict)):
                visit_container(item, _join(path, _unique("container", used)), containers)

    visit(root, "")
    return found


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _keras_trainable_variables(layer):
    """The layer's trainable variables in the order Keras 3 lists them (a functional model's layers in Keras's
    order, recursively), which is the order in which Keras's optimizer creates its slots."""
    from kcore.models import Functional

    if not layer.trainable:
        return []
    found = [v for v in layer._trainable_variables if v.trainable]
    for sublayer in keras_layer_order(layer) if isinstance(layer, Functional) else layer._sublayers():
        found += _keras_trainable_variables(sublayer)
    return list({id(v): v for v in found}.values())


def _slots_in_keras_order(optimizer, model):
    """The optimizer's slots in the order Keras's optimizer would hold them, when that differs from the order it
    was built in (a branching functional model lists its layers differently in kcore); else None.

    The order is found by building a scratch copy of the optimizer over the variables in Keras's order and
    matching its slots to the real ones by name (each is named after its variable's path)."""
    if not optimizer.built or not optimizer._slots:
        return None
    built = sorted(optimizer._index, key=optimizer._index.__getitem__)
    keras = [v for v in _keras_trainable_variables(model) if id(v) in optimizer._index]
    if [id(v) for v in keras] == built or len(keras) != len(built):
        return None
    try:
        scratch = type(optimizer).from_config(optimizer.get_config())
        scratch.build(keras)
    except Exception:  # a custom optimizer that cannot be copied: keep its own order
        return None
    by_name = {slot.name: slot for slot in optimizer._slots}
    names = [slot.name for slot in scratch._slots]
    if len(by_name) != len(optimizer._slots) or sorted(names) != sorted(by_name):
        return None
    return [by_name[name] for name in names]


@contextlib.contextmanager
def _keras_view(obj, root):
    """While saving or loading: the root model's optimizer with its slots in Keras's order."""
    order = _slots_in_keras_order(obj, root) if obj is getattr(root, "optimizer", None) else None
    if order is None:
        yield
        return
    slots, obj._slots = obj._slots, order
    try:
        yield
    finally:
        obj._slots = slots


def save_state(root, writer):
    """Write every object's own variables into the H5Writer `writer`."""
    for path, obj in walk(root):
        with _keras_view(obj, root):
            obj.save_own_variables(writer.make(path, name=getattr(obj, "name", None)))


def load_state(root, reader, skip_mismatch=False):
    """Read every object's own variables from the H5Reader `reader` (the objects check counts and shapes).
    With `skip_mismatch`, an object whose variables do not fit is left as it is, with a warning."""
    for path, obj in walk(root):
        try:
            with _keras_view(obj, root):
                obj.load_own_variables(reader.get(path))
        except ShapeError as e:
            if not skip_mismatch:
                raise
            warnings.warn(f"Skipped loading the weights of '{getattr(obj, 'name', path)}': {e}", stacklevel=3)
