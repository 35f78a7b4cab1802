"""The plugin's names: registered, declared in pyproject.toml, listed in kcore's catalogue, found through kcore."""

import pathlib
import tomllib

from kcore_callbacks.plugin import components

import kcore.callbacks
import kcore.plugins
from kcore.callbacks import Callback
from kcore.plugins import catalogue

PYPROJECT = pathlib.Path(__file__).parents[1] / "pyproject.toml"


def test_every_registered_name_is_declared_and_in_the_catalogue():
    provides = tomllib.loads(PYPROJECT.read_text())["project"]["entry-points"]["kcore.provides"]
    declared = {key.split(":", 1)[1] for key in provides}
    assert set(components()) == declared
    assert set(catalogue.FIRST_PARTY["kcore-callbacks"]["callback"].split()) == declared


def test_each_callback_is_found_through_kcore_callbacks():
    kcore.plugins.reset()
    for name, cls in components().items():
        assert getattr(kcore.callbacks, name) is cls
        assert issubclass(cls, Callback)
