"""The plugin's names: registered, declared in pyproject.toml, listed in kcore's catalogue, found through kcore."""

import inspect
import pathlib
import tomllib

import pytest
from kcore_metrics.plugin import components

import kcore.metrics
import kcore.plugins
from kcore.metrics import Metric
from kcore.plugins import catalogue

PYPROJECT = pathlib.Path(__file__).parents[1] / "pyproject.toml"


def declared():
    provides = tomllib.loads(PYPROJECT.read_text())["project"]["entry-points"]["kcore.provides"]
    return {key.split(":", 1)[1] for key in provides if key.startswith("metric:")}


def test_every_registered_name_is_declared_and_in_the_catalogue():
    assert set(components()) == declared()
    assert set(catalogue.FIRST_PARTY["kcore-metrics"]["metric"].split()) == declared()


def test_the_names_the_training_loop_resolves_accuracy_to_are_functions():
    for name in ("binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy"):
        assert callable(components()[name]) and not isinstance(components()[name], type)


def needs_arguments(component):
    """Whether a class cannot be built with its defaults alone (IoU's num_classes, PrecisionAtRecall's recall)."""
    return isinstance(component, type) and any(
        p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD
        for p in inspect.signature(component).parameters.values())


@pytest.mark.parametrize("name", sorted(declared()))
def test_each_name_resolves_through_kcore_metrics_get(name):
    kcore.plugins.reset()
    if needs_arguments(components()[name]):  # as in Keras, `get` cannot instantiate these: the class is found
        assert kcore.plugins.manager().get("metric", name) is components()[name]
        with pytest.raises(TypeError):
            kcore.metrics.get(name)
        return
    metric = kcore.metrics.get(name)
    assert isinstance(metric, Metric) or callable(metric)


def test_string_aliases_give_the_keras_class_with_its_defaults():
    kcore.plugins.reset()
    assert type(kcore.metrics.get("auc")).__name__ == "AUC"
    assert type(kcore.metrics.get("mse")).__name__ == "MeanSquaredError"
    assert kcore.metrics.Precision is components()["Precision"]
