"""The NumPy backend runs kcore's backend conformance suite, exactly as a third-party backend would."""

import pytest

from kcore.testing.backend_conformance import *  # noqa: F403  (the whole suite, collected here)


@pytest.fixture
def backend_name():
    return "numpy"
