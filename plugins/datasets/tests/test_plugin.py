"""The plugin's names: registered, declared in pyproject.toml, listed in kcore's catalogue, found through kcore."""

import pathlib
import tomllib

from kcore_datasets.plugin import components

import kcore.datasets
import kcore.plugins
from kcore.plugins import catalogue

PYPROJECT = pathlib.Path(__file__).parents[1] / "pyproject.toml"


def test_every_registered_name_is_declared_and_in_the_catalogue():
    provides = tomllib.loads(PYPROJECT.read_text())["project"]["entry-points"]["kcore.provides"]
    declared = {key.split(":", 1)[1] for key in provides}
    assert {key.split(":", 1)[0] for key in provides} == {"dataset"}
    assert set(components()) == declared
    assert set(catalogue.FIRST_PARTY["kcore-datasets"]["dataset"].split()) == declared


def test_each_dataset_is_a_module_with_load_data_found_as_in_keras():
    kcore.plugins.reset()
    for name, module in components().items():
        assert getattr(kcore.datasets, name) is module
        assert callable(module.load_data)
        assert kcore.datasets.get(name) is module
    from kcore.datasets import mnist

    assert mnist.load_data is components()["mnist"].load_data
