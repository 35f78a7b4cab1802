"""Finding where a NaN or an infinity first appears, when a training step produces one."""

import math

from kcore import backend
from kcore.autodiff import Node
from kcore.layers.symbolic import KerasTensor
from kcore.utils import tree


def _finite(value):
    xp = backend.get().xp
    value = value.value if isinstance(value, Node) else value
    if not (hasattr(value, "dtype") and value.dtype.kind == "f"):
        return True
    # one reduction with no temporary; a sum that overflowed from finite values is told apart by the exact check
    return bool(xp.isfinite(xp.sum(value))) or bool(xp.isfinite(value).all())


def step_is_finite(loss, grads):
    """Whether the loss and every gradient are finite (one reduction per gradient: a NaN or an infinity
    anywhere makes the sum non-finite)."""
    value = loss.value if isinstance(loss, Node) else loss
    if not math.isfinite(float(backend.to_numpy(value))):
        return False
    return all(g is None or _finite(g) for g in grads)


def first_nonfinite_layer(model, x):
    """The name and class of the first layer whose output holds a NaN or an infinity for input `x` (replaying
    a Sequential or functional model layer by layer), or None when it cannot be told."""
    for variable in model.weights:
        if not _finite(variable.value):
            return f"the weight {variable.path!r} (already non-finite)"
    for leaf in tree.flatten(x):
        if not _finite(leaf):
            return "the input data"
    stack = getattr(model, "_stack", None)
    if stack is not None:
        for layer in stack:
            x = layer(x, training=True)
            if not all(_finite(v) for v in tree.flatten(x)):
                return f"layer '{layer.name}' ({type(layer).__name__})"
        return None
    nodes = getattr(model, "_nodes", None)
    if nodes is None:
        return None
    values = dict(zip((id(t) for t in model.inputs), model._flatten_inputs(x), strict=True))

    def resolve(v):
        return values[id(v)] if isinstance(v, KerasTensor) else v

    for node in nodes:
        args = tuple(tree.map_structure(resolve, a) for a in node.args)
        kwargs = {k: tree.map_structure(resolve, v) for k, v in node.kwargs.items()}
        outputs = tree.flatten(node.layer(*args, **kwargs))
        for tensor, value in zip(node.output_tensors, outputs, strict=True):
            values[id(tensor)] = value
        if not all(_finite(v) for v in outputs):
            return f"layer '{node.layer.name}' ({type(node.layer).__name__})"
    return None
