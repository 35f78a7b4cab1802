"""Every registered loss, from every installed plugin, through the loss conformance test of kcore.testing."""

import pytest

from kcore.plugins import manager
from kcore.testing import check_loss_case, collect_loss_cases


def _registered_losses():
    plugins = manager()
    plugins.load_all()
    return dict(plugins.registry.items("loss"))


LOSSES = _registered_losses()
CASES = collect_loss_cases()
ALL_CASES = [(name, i, case) for name, cases in sorted(CASES.items()) for i, case in enumerate(cases)]


def test_every_registered_loss_has_a_test_case():
    tested = {id(LOSSES[name]) for name in CASES if name in LOSSES}
    missing = sorted(name for name, loss in LOSSES.items() if id(loss) not in tested)
    assert not missing, (f"These losses are registered without a LossCase (return one from the plugin's "
                         f"kcore_loss_cases hook): {missing}")


@pytest.mark.parametrize(("name", "index", "case"), ALL_CASES, ids=[f"{n}-{i}" for n, i, _ in ALL_CASES])
def test_loss_gradient_matches_finite_differences(name, index, case):
    check_loss_case(case)
