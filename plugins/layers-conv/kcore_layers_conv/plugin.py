"""kcore's entry point into this distribution: registers the ops and layers, and hands kcore's test suites their
cases."""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


def components():
    """kind -> {registered name: component}: everything this distribution provides."""
    from kcore_layers_conv.layers import LAYERS
    from kcore_layers_conv.ops import KERNELS, OPS

    return {"op": OPS, "layer": LAYERS, "kernel": KERNELS}


@hookimpl
def kcore_register(registry):
    for kind, named in components().items():
        for name, component in named.items():
            registry.add(kind, name, component)


@hookimpl
def kcore_op_cases():
    from kcore_layers_conv.cases import OP_CASES

    return OP_CASES


@hookimpl
def kcore_layer_cases():
    from kcore_layers_conv.cases import LAYER_CASES

    return LAYER_CASES
