"""`plot_model` and `model_to_dot`: a model's layer graph as Graphviz DOT text, rendered by Graphviz's `dot`.

kcore writes the DOT text itself (no pydot needed); only rendering to an image needs the `dot` program.
`to_file="model.dot"` writes the text and needs nothing installed.
"""

import itertools
import os
import shutil
import subprocess

from kcore.errors import ConfigError, KcoreError, MissingDependencyError
from kcore.fileio import atomic_write
from kcore.utils import tree

RANKDIRS = ("TB", "LR", "BT", "RL")
TEXT_FORMATS = ("dot", "gv")


def _quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _shapes(tensors):
    shapes = [tuple(t.shape) for t in tensors]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _label(layer, node, options):
    kind = type(layer).__name__
    lines = [f"{layer.name} ({kind})" if options["show_layer_names"] else kind]
    activation = getattr(layer, "activation", None)
    if options["show_layer_activations"] and activation is not None:
        lines.append(f"Activation: {getattr(activation, '__name__', activation)}")
    if options["show_dtype"]:
        lines.append(f"dtype: {layer.dtype}")
    if options["show_shapes"] and node is not None:
        inputs = node.input_tensors or tree.flatten(node.outputs)
        lines += [f"Input shape: {_shapes(inputs)}", f"Output shape: {_shapes(tree.flatten(node.outputs))}"]
    if options["show_trainable"]:
        lines.append(f"Trainable: {layer.trainable}")
    return "\n".join(lines)


def _graph(model, options, out, depth):
    """Write `model`'s nodes and edges into `out` (a list of DOT lines); return (entry ids, exit ids)."""
    from kcore.models.functional import Functional
    from kcore.models.sequential import Sequential

    if isinstance(model, Sequential):
        steps = [(layer, layer._inbound_nodes[-1] if layer._inbound_nodes else None) for layer in model.layers]
        edges = [(a, b) for (a, _), (b, _) in itertools.pairwise(steps)]
    elif isinstance(model, Functional):
        steps = [(t.history[0], t.history[0]._inbound_nodes[0]) for t in model.inputs]
        steps += [(node.layer, node) for node in model._nodes]
        edges = [(t.history[0], node.layer) for node in model._nodes for t in node.input_tensors]
    else:  # a subclassed model has no graph to show: one node, as Keras draws it
        steps, edges = [(model, None)], []
    ends = {}
    for layer, node in dict((id(layer), (layer, node)) for layer, node in steps).values():
        nested = isinstance(layer, (Sequential, Functional)) and layer is not model
        if nested and options["expand_nested"]:
            out.append(f"{'  ' * depth}subgraph cluster_{id(layer)} {{")
            out.append(f"{'  ' * (depth + 1)}label={_quote(layer.name)};")
            ends[id(layer)] = _graph(layer, options, out, depth + 1)
            out.append(f"{'  ' * depth}}}")
        else:
            out.append(f"{'  ' * depth}n{id(layer)} [label={_quote(_label(layer, node, options))}];")
            ends[id(layer)] = ([f"n{id(layer)}"], [f"n{id(layer)}"])
    seen = set()
    for source, target in edges:
        for a in ends[id(source)][1]:
            for b in ends[id(target)][0]:
                if (a, b) not in seen:
                    seen.add((a, b))
                    out.append(f"{'  ' * depth}{a} -> {b};")
    entries = [e for layer, _ in steps[:1] for e in ends[id(layer)][0]]
    if isinstance(model, Functional):
        entries = [e for t in model.inputs for e in ends[id(t.history[0])][0]]
        exits = [e for t in model.outputs for e in ends[id(t.history[0])][1]]
    else:
        exits = ends[id(steps[-1][0])][1] if steps else []
    return entries, exits


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False, show_trainable=False,
                 **kwargs):
    """The Graphviz DOT text of `model`'s layer graph (Keras returns a pydot graph; kcore returns its text).

    Example:
        >>> print(model_to_dot(model, show_shapes=True))
        digraph "sequential" { ... }
    """
    if rankdir not in RANKDIRS:
        raise ConfigError(f"model_to_dot: `rankdir` must be one of {RANKDIRS}. Received: {rankdir!r}")
    if not model.built:
        raise ConfigError(f"model_to_dot: model '{model.name}' is not built yet, so it has no layer graph. Give it "
                          f"an Input (or call it on data) first.")
    options = {"show_shapes": show_shapes, "show_dtype": show_dtype, "show_layer_names": show_layer_names,
               "expand_nested": expand_nested, "show_layer_activations": show_layer_activations,
               "show_trainable": show_trainable}
    lines = [f"digraph {_quote(model.name)} {{",
             f"  graph [rankdir={rankdir}, dpi={int(dpi)}, concentrate=true];",
             '  node [shape=box, style="rounded,filled", fillcolor="#f2f2f2", fontname="Helvetica"];']
    body = []
    _graph(model, options, body, 1)
    return "\n".join(lines + ["  " + line for line in body] + ["}", ""])


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               **kwargs):
    """Draw `model`'s layer graph into `to_file`, in the format its extension names (png, svg, pdf, ...),
    with Graphviz's `dot` program. A `.dot` (or `.gv`) file gets the DOT text and needs nothing installed.
    Returns the path written.

    Example:
        >>> plot_model(model, "model.png", show_shapes=True)
        'model.png'
    """
    text = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                        rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                        show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    if extension in TEXT_FORMATS:
        with atomic_write(to_file, "w") as f:
            f.write(text)
        return to_file
    program = shutil.which("dot")
    if program is None:
        raise MissingDependencyError(
            f"plot_model needs Graphviz's `dot` program to draw {to_file}, and it is not on PATH. Install Graphviz "
            f"(apt-get install graphviz, brew install graphviz or conda install graphviz), or write the graph as "
            f"text with to_file='{os.path.splitext(to_file)[0]}.dot', which needs nothing installed.")
    with atomic_write(to_file, "wb") as f:
        done = subprocess.run([program, f"-T{extension}"], input=text.encode(), stdout=f, stderr=subprocess.PIPE,
                              check=False)
        if done.returncode != 0:
            raise KcoreError(f"plot_model: Graphviz could not draw {to_file} (format {extension!r}): "
                             f"{done.stderr.decode(errors='replace').strip()}")
    return to_file
