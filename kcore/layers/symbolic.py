"""Symbolic tensors: what `Input(...)` returns and what calling a layer on one returns.

A `KerasTensor` has a shape (batch dimension None) and a dtype, no values. Calling a layer on it records a
`GraphNode` (the layer, its arguments, its outputs) so that `Model(inputs, outputs)` can walk the graph. Ops and
arithmetic on KerasTensors (`x + residual`, `ops.concatenate([a, b])`) are recorded as an `OpLayer`.
"""

from kcore.autodiff import Node
from kcore.errors import KcoreError, ShapeError
from kcore.utils import tree


class KerasTensor(Node):
    """A placeholder with a shape and a dtype, produced by `Input` and by layers called on placeholders."""

    __slots__ = ("_shape", "_dtype", "name", "history")
    symbolic = True

    def __init__(self, shape, dtype="float32", name=None, history=None):
        self._shape = tuple(None if d is None else int(d) for d in shape)
        self._dtype = str(dtype)
        self.name = name
        self.history = history  # (layer, node index, output index) of the call that made it

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    def __len__(self):
        raise TypeError("A KerasTensor has no length: its batch dimension is unknown until the model runs.")

    def __bool__(self):
        raise TypeError("A KerasTensor has no truth value: it holds no data until the model runs.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"KerasTensor {self.name!r} is symbolic (shape {self._shape}): it has no values to turn "
                        f"into a NumPy array. Build a Model from it and call the model on data.")

    def __repr__(self):
        return f"<KerasTensor shape={self._shape}, dtype={self._dtype}, name={self.name}>"

    def __hash__(self):
        return id(self)


def any_symbolic(structure):
    return any(isinstance(leaf, KerasTensor) for leaf in tree.flatten(structure))


class GraphNode:
    """One call of a layer in a functional graph: its arguments (with KerasTensors) and its outputs."""

    def __init__(self, layer, args, kwargs, outputs):
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.input_tensors = [t for t in tree.flatten((args, kwargs)) if isinstance(t, KerasTensor)]
        self.output_tensors = tree.flatten(outputs)


def _fill_unknown(shape, size):
    return tuple(size if d is None else d for d in shape)


def infer_output_spec(fn, args, kwargs):
    """The KerasTensors `fn` would return, found by running it on zeros twice, with the unknown dimensions
    set to two different sizes: a dimension whose size follows them is unknown in the output too."""
    from kcore import ops
    from kcore.layers.layer import call_context

    runs = []
    previous, call_context.inferring_shapes = call_context.inferring_shapes, True
    try:
        for size in (3, 4):
            concrete = tree.map_structure(
                lambda t, size=size: ops.zeros(_fill_unknown(t.shape, size), t.dtype)
                if isinstance(t, KerasTensor) else t, (args, kwargs))
            runs.append(fn(*concrete[0], **concrete[1]))
    finally:
        call_context.inferring_shapes = previous

    def spec(a, b):
        a_shape, b_shape = tuple(a.shape), tuple(b.shape)
        shape = tuple(da if da == db else None for da, db in zip(a_shape, b_shape, strict=True))
        return KerasTensor(shape, str(a.dtype))

    return tree.pack_sequence_as(runs[0], [spec(a, b) for a, b in zip(tree.flatten(runs[0]),
                                                                     tree.flatten(runs[1]), strict=True)])


def symbolic_call(layer, args, kwargs):
    """Record `layer(*args, **kwargs)` on KerasTensors and return the output KerasTensors."""
    inputs = args[0] if args else None
    shapes = tree.map_structure(lambda t: t.shape if isinstance(t, KerasTensor) else None, inputs)
    try:
        if not layer.built:
            layer._build_once(shapes)
        outputs = layer.compute_output_spec(*args, **kwargs)
    except ShapeError as e:
        if f"'{layer.name}'" in str(e):
            raise  # the layer's own check already names it, the shapes and the fix
        raise ShapeError(f"Layer '{layer.name}' ({type(layer).__name__}) cannot take inputs of shape "
                         f"{shapes}: {e}") from e
    except KcoreError:
        raise  # already names what is wrong and the fix (a ConfigError, a weight refused while loading, ...)
    except (ValueError, TypeError) as e:
        raise ShapeError(f"Layer '{layer.name}' ({type(layer).__name__}) failed on inputs of shape {shapes}: "
                         f"{type(e).__name__}: {e}") from e
    node = GraphNode(layer, args, kwargs, outputs)
    index = len(layer._inbound_nodes)
    layer._inbound_nodes.append(node)
    for i, tensor in enumerate(node.output_tensors):
        tensor.history = (layer, index, i)
        tensor.name = tensor.name or layer.name
    return outputs


def symbolic_op(op, args, params):
    """`op(*args, **params)` on KerasTensors: recorded as an OpLayer so the functional graph can replay it."""
    from kcore.layers.op_layer import KerasOperation, OpLayer

    keras_form = KerasOperation.from_call(op, args, params)
    if keras_form is not None:  # saved as Keras saves it, so that Keras can load the model
        layer, call_args = keras_form
        return layer(*call_args)
    positions = [i for i, a in enumerate(args) if isinstance(a, KerasTensor)]
    layer = OpLayer(op.name, constants={i: a for i, a in enumerate(args) if i not in positions}, params=params,
                    positions=positions)
    return layer(*[args[i] for i in positions])
