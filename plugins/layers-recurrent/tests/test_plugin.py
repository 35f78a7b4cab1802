"""The distribution's declarations agree with what it registers, and kcore finds its names."""


import kcore
from kcore.testing import check_plugin_declarations


def test_registers_exactly_what_it_declares_and_the_catalogue_lists():
    check_plugin_declarations("kcore-layers-recurrent")


def test_kcore_namespaces_resolve_the_layers_and_ops():
    from kcore_layers_recurrent.layers import LSTM
    from kcore_layers_recurrent.ops import lstm

    assert kcore.layers.LSTM is LSTM
    assert kcore.ops.lstm is lstm
