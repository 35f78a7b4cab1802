"""Every registered op, from kcore and from every installed plugin, against finite differences."""

import pytest

from kcore.plugins import manager
from kcore.testing import check_op_case, collect_op_cases


def _registered_ops():
    plugins = manager()
    plugins.load_all()
    return {name: plugins.registry.owner_of("op", name) for name in plugins.registry.names("op")}


OPS = _registered_ops()
CASES = collect_op_cases()


def test_every_registered_op_has_a_test_case():
    missing = {name: owner for name, owner in OPS.items() if name not in CASES}
    assert not missing, (
        "These ops are registered without a test case (return an OpCase for each from the plugin's "
        f"kcore_op_cases hook): {missing}")


def test_every_test_case_names_a_registered_op():
    assert not set(CASES) - set(OPS)


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_matches_reference_and_finite_differences(name):
    if name not in CASES:
        pytest.fail(f"ops.{name} ({OPS[name]}) has no test case")
    check_op_case(CASES[name])
