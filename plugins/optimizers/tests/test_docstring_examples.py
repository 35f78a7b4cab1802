"""The examples in the docstrings run and print what they claim."""

import doctest
import importlib

import pytest

MODULES = ["kcore_optimizers.sgd", "kcore_optimizers.rmsprop", "kcore_optimizers.adam", "kcore_optimizers.adamw",
           "kcore_optimizers.adagrad", "kcore_optimizers.adadelta", "kcore_optimizers.adamax", "kcore_optimizers.nadam",
           "kcore_optimizers.lion", "kcore_optimizers.lamb", "kcore_optimizers.adafactor", "kcore_optimizers.ftrl",
           "kcore_optimizers.schedules"]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_hold(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
