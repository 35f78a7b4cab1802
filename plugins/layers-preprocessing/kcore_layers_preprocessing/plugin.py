"""kcore's entry point into this distribution: registers the preprocessing layers and hands the layer
conformance test their cases."""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


def components():
    """{registered name: layer class}."""
    from kcore_layers_preprocessing.integer_lookup import IntegerLookup
    from kcore_layers_preprocessing.string_lookup import StringLookup
    from kcore_layers_preprocessing.text_vectorization import TextVectorization

    return {"StringLookup": StringLookup, "IntegerLookup": IntegerLookup, "TextVectorization": TextVectorization}


@hookimpl
def kcore_register(registry):
    for name, layer in components().items():
        registry.add("layer", name, layer)


@hookimpl
def kcore_layer_cases():
    from kcore_layers_preprocessing.cases import LAYER_CASES

    return LAYER_CASES
