"""Every installed plugin registers exactly what it declares (and, first-party, what the catalogue lists)."""

import pytest

from kcore.plugins import manager
from kcore.testing import check_plugin_declarations

PLUGINS = sorted(manager().records())


@pytest.mark.parametrize("distribution", PLUGINS)
def test_plugin_registers_exactly_what_it_declares(distribution):
    check_plugin_declarations(distribution)
