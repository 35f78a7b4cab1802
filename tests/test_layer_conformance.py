"""Every registered layer, from every installed plugin, through the conformance test of kcore.testing."""

import pytest

from kcore.plugins import manager
from kcore.testing import check_layer_case, collect_layer_cases


def _registered_layers():
    plugins = manager()
    plugins.load_all()
    return {name: cls for name, cls in plugins.registry.items("layer")}


LAYERS = _registered_layers()
CASES = collect_layer_cases()
ALL_CASES = [(name, i, case) for name, entries in sorted(CASES.items()) for i, (_, case) in enumerate(entries)]


def test_every_registered_layer_class_has_a_test_case():
    tested = {id(LAYERS[name]) for name in CASES if name in LAYERS}
    # the functional forms of the merging layers (`add`, ...) are functions that make a tested class
    missing = sorted(name for name, cls in LAYERS.items() if isinstance(cls, type) and id(cls) not in tested)
    assert not missing, (f"These layers are registered without a LayerCase (return one from the plugin's "
                         f"kcore_layer_cases hook): {missing}")


@pytest.mark.parametrize(("name", "index", "case"), ALL_CASES, ids=[f"{n}-{i}" for n, i, _ in ALL_CASES])
def test_layer_passes_the_conformance_test(name, index, case):
    check_layer_case(case)
