"""The distribution's declarations agree with what it registers, and kcore finds its names."""

import importlib.metadata

from kcore_layers_core.plugin import components

import kcore
from kcore.plugins import catalogue


def _declared():
    dist = importlib.metadata.distribution("kcore-layers-core")
    pairs = [ep.name.partition(":") for ep in dist.entry_points if ep.group == "kcore.provides"]
    return {(kind, name) for kind, _, name in pairs}


def _registered():
    return {(kind, name) for kind, named in components().items() for name in named}


def test_every_registered_name_is_declared_in_the_entry_points_and_nothing_more():
    assert _declared() == _registered()


def test_the_core_catalogue_lists_exactly_the_declared_names():
    catalogued = {(kind, name) for kind, names in catalogue.FIRST_PARTY["kcore-layers-core"].items()
                  for name in names.split()}
    assert catalogued == _declared()


def test_kcore_namespaces_resolve_names_to_this_distribution():
    from kcore_layers_core.initializers import GlorotUniform
    from kcore_layers_core.layers import Dense

    assert kcore.layers.Dense is Dense
    assert isinstance(kcore.initializers.get("glorot_uniform"), GlorotUniform)
    assert kcore.activations.get("swish") is kcore.activations.get("silu")
    assert kcore.regularizers.get("l2").l2 == 0.01
    assert kcore.constraints.get("max_norm").max_value == 2.0


def test_every_activation_name_resolves_to_a_function_that_keeps_float32():
    import numpy as np

    x = np.linspace(-3, 3, 12, dtype="float32").reshape(3, 4)
    for name in components()["activation"]:
        out = kcore.activations.get(name)(x)
        assert out.shape == x.shape and out.dtype == np.float32, name
