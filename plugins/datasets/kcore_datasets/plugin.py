"""kcore's entry point into this distribution: registers one module per dataset under the kind "dataset", so
that `kcore.datasets.mnist.load_data()` reads as `keras.datasets.mnist.load_data()` does."""

import importlib

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1

#: the registered names; each is the module `kcore_datasets.<name>`, which has `load_data`
DATASETS = ("mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing",
            "california_housing")


def components():
    """{registered name: dataset module}."""
    return {name: importlib.import_module(f"kcore_datasets.{name}") for name in DATASETS}


@hookimpl
def kcore_register(registry):
    for name, module in components().items():
        registry.add("dataset", name, module)
