"""The distribution's declarations agree with what it registers, and kcore finds its names."""

import importlib.metadata

from kcore_layers_recurrent.plugin import components

import kcore
from kcore.plugins import catalogue


def _declared():
    dist = importlib.metadata.distribution("kcore-layers-recurrent")
    pairs = [ep.name.partition(":") for ep in dist.entry_points if ep.group == "kcore.provides"]
    return {(kind, name) for kind, _, name in pairs}


def _registered():
    return {(kind, name) for kind, named in components().items() for name in named}


def test_every_registered_name_is_declared_in_the_entry_points_and_nothing_more():
    assert _declared() == _registered()


def test_the_core_catalogue_lists_exactly_the_declared_names():
    catalogued = {(kind, name) for kind, names in catalogue.FIRST_PARTY["kcore-layers-recurrent"].items()
                  for name in names.split()}
    assert catalogued == _declared()


def test_kcore_namespaces_resolve_the_layers_and_ops():
    from kcore_layers_recurrent.layers import LSTM
    from kcore_layers_recurrent.ops import lstm

    assert kcore.layers.LSTM is LSTM
    assert kcore.ops.lstm is lstm
