"""kcore's entry point into this distribution: registers the layers, activations, initializers, regularizers and
constraints, the fused `bias_relu` op and its NumPy kernel, and hands the conformance tests their cases."""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


def components():
    """kind -> {registered name: component}: everything this distribution provides."""
    from kcore_layers_core import fused_native
    from kcore_layers_core.activations import ACTIVATIONS
    from kcore_layers_core.constraints import CONSTRAINTS
    from kcore_layers_core.fused import bias_relu
    from kcore_layers_core.initializers import INITIALIZERS
    from kcore_layers_core.layers import LAYERS
    from kcore_layers_core.layers.merging.functional import MERGE_FUNCTIONS
    from kcore_layers_core.regularizers import REGULARIZERS

    return {"layer": {**LAYERS, **MERGE_FUNCTIONS}, "activation": ACTIVATIONS, "initializer": INITIALIZERS,
            "regularizer": REGULARIZERS,
            "constraint": CONSTRAINTS, "op": {"bias_relu": bias_relu},
            "kernel": {"numpy.bias_relu": fused_native.bias_relu}}


@hookimpl
def kcore_register(registry):
    for kind, named in components().items():
        for name, component in named.items():
            registry.add(kind, name, component)


@hookimpl
def kcore_op_cases():
    from kcore_layers_core.cases import OP_CASES

    return OP_CASES


@hookimpl
def kcore_layer_cases():
    from kcore_layers_core.cases import LAYER_CASES

    return LAYER_CASES
