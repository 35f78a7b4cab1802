"""The distribution's declarations agree with what it registers, and kcore finds its names."""


from kcore_layers_core.plugin import components

import kcore
from kcore.testing import check_plugin_declarations


def test_registers_exactly_what_it_declares_and_the_catalogue_lists():
    check_plugin_declarations("kcore-layers-core")


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
