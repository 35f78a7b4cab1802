"""What pyproject.toml declares is what the plugin registers, and kcore finds every name without help."""

import importlib.metadata

from acme_kcore import Charbonnier, ScaledDense, SignSGD, charbonnier
from acme_kcore.plugin import components

import kcore


def test_every_registered_name_is_declared_in_the_entry_points_and_nothing_more():
    dist = importlib.metadata.distribution("acme-kcore")
    declared = {tuple(ep.name.split(":", 1)) for ep in dist.entry_points if ep.group == "kcore.provides"}
    registered = {(kind, name) for kind, named in components().items() for name in named}
    assert declared == registered


def test_kcore_namespaces_resolve_the_names_to_this_plugin():
    assert kcore.layers.ScaledDense is ScaledDense
    assert kcore.losses.get("charbonnier") is charbonnier
    assert isinstance(kcore.losses.get("Charbonnier"), Charbonnier)
    assert isinstance(kcore.optimizers.get("sign_sgd"), SignSGD)
    record = kcore.plugins.manager().records()["acme-kcore"]
    assert (record.version, record.state) == (importlib.metadata.version("acme-kcore"), "loaded")
