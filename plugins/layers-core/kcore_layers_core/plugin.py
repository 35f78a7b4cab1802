"""kcore's entry point into this distribution: registers the layers, activations, initializers, regularizers and
constraints, and hands the layer conformance test its cases."""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


def components():
    """kind -> {registered name: component}: everything this distribution provides."""
    from kcore_layers_core.activations import ACTIVATIONS
    from kcore_layers_core.constraints import CONSTRAINTS
    from kcore_layers_core.initializers import INITIALIZERS
    from kcore_layers_core.layers import LAYERS
    from kcore_layers_core.regularizers import REGULARIZERS

    return {"layer": LAYERS, "activation": ACTIVATIONS, "initializer": INITIALIZERS, "regularizer": REGULARIZERS,
            "constraint": CONSTRAINTS}


@hookimpl
def kcore_register(registry):
    for kind, named in components().items():
        for name, component in named.items():
            registry.add(kind, name, component)


@hookimpl
def kcore_layer_cases():
    from kcore_layers_core.cases import LAYER_CASES

    return LAYER_CASES
