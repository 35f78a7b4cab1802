"""The plugin's names: registered, declared in pyproject.toml, listed in kcore's catalogue, found through kcore."""

import pathlib
import tomllib

from kcore_layers_preprocessing.plugin import components

import kcore.layers
import kcore.plugins
from kcore.plugins import catalogue

PYPROJECT = pathlib.Path(__file__).parents[1] / "pyproject.toml"


def test_every_registered_name_is_declared_and_in_the_catalogue():
    provides = tomllib.loads(PYPROJECT.read_text())["project"]["entry-points"]["kcore.provides"]
    declared = {key.split(":", 1)[1] for key in provides}
    assert {key.split(":", 1)[0] for key in provides} == {"layer"}
    assert set(components()) == declared
    assert set(catalogue.FIRST_PARTY["kcore-layers-preprocessing"]["layer"].split()) == declared


def test_each_layer_is_found_through_kcore_layers():
    kcore.plugins.reset()
    for name, cls in components().items():
        assert getattr(kcore.layers, name) is cls
        assert issubclass(cls, kcore.layers.Layer)
