"""The examples in the docstrings run and print what they claim."""

import doctest
import importlib

import pytest

MODULES = ["kcore_losses.regression", "kcore_losses.probabilistic", "kcore_losses.hinge", "kcore_losses.focal",
           "kcore_losses.overlap", "kcore_losses.similarity", "kcore_losses.ctc",
           "kcore_losses.classes"]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_hold(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
