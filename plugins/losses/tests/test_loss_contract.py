"""Names, configs, dtypes and errors: what a user relies on besides the values."""

import tomllib
from pathlib import Path

import numpy as np
import pytest
from kcore_losses import plugin

import kcore.losses
from kcore import GradientTape
from kcore.errors import ConfigError, OpIndexError, ShapeError
from kcore.plugins import catalogue, manager

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def test_every_registered_name_is_declared_in_pyproject_and_the_catalogue():
    declared = tomllib.loads(PYPROJECT.read_text())["project"]["entry-points"]["kcore.provides"]
    assert sorted(declared) == sorted(f"loss:{n}" for n in plugin.names())
    assert sorted(catalogue.FIRST_PARTY["kcore-losses"]["loss"].split()) == sorted(plugin.names())
    for name in plugin.names():
        assert manager().get("loss", name) is not None


def test_keras_aliases_resolve_to_the_same_function():
    assert kcore.losses.get("mse") is kcore.losses.get("MSE") is kcore.losses.mean_squared_error
    assert kcore.losses.get("bce") is kcore.losses.binary_crossentropy
    assert kcore.losses.get("kld") is kcore.losses.get("KLD") is kcore.losses.kl_divergence
    assert kcore.losses.get("mape") is kcore.losses.mean_absolute_percentage_error
    assert isinstance(kcore.losses.get("Huber"), kcore.losses.Huber)  # a class name gives an instance


@pytest.mark.parametrize(("cls", "kwargs", "config"), [
    ("MeanSquaredError", {}, {"name": "mean_squared_error", "reduction": "sum_over_batch_size"}),
    ("Huber", {"delta": 2.0}, {"name": "huber_loss", "reduction": "sum_over_batch_size", "delta": 2.0}),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     {"name": "binary_crossentropy", "reduction": "sum_over_batch_size", "from_logits": True,
      "label_smoothing": 0.1, "axis": -1}),
    ("CategoricalCrossentropy", {"axis": 1, "reduction": "sum"},
     {"name": "categorical_crossentropy", "reduction": "sum", "from_logits": False, "label_smoothing": 0.0,
      "axis": 1}),
    ("SparseCategoricalCrossentropy", {"ignore_class": 255},
     {"name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size", "from_logits": False,
      "ignore_class": 255}),
    ("CosineSimilarity", {"axis": 0, "name": "cos"}, {"name": "cos", "reduction": "sum_over_batch_size", "axis": 0}),
    ("KLDivergence", {}, {"name": "kl_divergence", "reduction": "sum_over_batch_size"}),
    ("LogCosh", {}, {"name": "log_cosh", "reduction": "sum_over_batch_size"}),
])
def test_loss_config_has_keras_keys_and_round_trips(cls, kwargs, config):
    loss = getattr(kcore.losses, cls)(**kwargs)
    assert loss.get_config() == config
    clone = type(loss).from_config(loss.get_config())
    assert clone.get_config() == config
    y_true, y_pred = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.2, 0.7], [0.6, 0.3]])
    if cls == "SparseCategoricalCrossentropy":
        y_true = np.array([1, 0])
    np.testing.assert_allclose(clone(y_true, y_pred), loss(y_true, y_pred))


def test_every_loss_class_has_keras_default_name():
    names = {"MeanSquaredError": "mean_squared_error", "MeanAbsoluteError": "mean_absolute_error",
             "MeanAbsolutePercentageError": "mean_absolute_percentage_error",
             "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error", "Huber": "huber_loss",
             "LogCosh": "log_cosh", "CosineSimilarity": "cosine_similarity",
             "BinaryCrossentropy": "binary_crossentropy", "CategoricalCrossentropy": "categorical_crossentropy",
             "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy", "KLDivergence": "kl_divergence",
             "Poisson": "poisson", "Hinge": "hinge", "SquaredHinge": "squared_hinge",
             "CategoricalHinge": "categorical_hinge", "BinaryFocalCrossentropy": "binary_focal_crossentropy",
             "CategoricalFocalCrossentropy": "categorical_focal_crossentropy", "Dice": "dice", "Tversky": "tversky",
             "CategoricalGeneralizedCrossEntropy": "categorical_generalized_cross_entropy", "Circle": "circle",
             "CTC": "ctc"}
    assert sorted(names) == sorted(plugin.CLASSES)
    for cls, name in names.items():
        assert getattr(kcore.losses, cls)().name == name


def test_float64_predictions_are_not_downcast_and_float32_are_not_upcast():
    y = np.array([[0.0, 1.0]])
    assert kcore.losses.mean_squared_error(y, np.array([[0.5, 0.5]])).dtype == np.float64
    assert kcore.losses.mean_squared_error(y, np.array([[0.5, 0.5]], "float32")).dtype == np.float32
    assert kcore.losses.sparse_categorical_crossentropy([1], np.array([[0.5, 0.5]], "float32")).dtype == np.float32
    assert kcore.losses.BinaryCrossentropy()(y, np.array([[0.5, 0.5]], "float32")).dtype == np.float32
    assert kcore.losses.mean_squared_error([[1, 2]], [[1, 1]]).dtype == np.float32  # integer inputs: floatx


@pytest.mark.parametrize("name", ["mean_squared_error", "huber", "binary_crossentropy", "hinge", "kl_divergence",
                                  "categorical_crossentropy", "cosine_similarity"])
def test_mismatched_shapes_raise_a_shape_error_naming_the_loss_and_both_shapes(name):
    with pytest.raises(ShapeError) as info:
        kcore.losses.get(name)(np.zeros((8, 1)), np.full((8, 10), 0.5))
    message = str(info.value)
    assert name in message and "(8, 1)" in message and "(8, 10)" in message


def test_integer_labels_given_to_categorical_crossentropy_suggest_the_sparse_loss():
    with pytest.raises(ShapeError, match="sparse_categorical_crossentropy"):
        kcore.losses.CategoricalCrossentropy()(np.array([1, 2, 0]), np.full((3, 4), 0.25))
    with pytest.raises(ShapeError, match="categorical_crossentropy, or pass the class indices"):
        kcore.losses.sparse_categorical_crossentropy(np.eye(4)[:3], np.full((3, 4), 0.25))


def test_sparse_labels_out_of_range_name_the_labels_and_the_number_of_classes():
    with pytest.raises(OpIndexError) as info:
        kcore.losses.SparseCategoricalCrossentropy(from_logits=True)(np.array([0, 3, 10]), np.zeros((3, 10)))
    message = str(info.value)
    assert "[0, 10)" in message and "10 classes" in message and "10" in message
    with pytest.raises(OpIndexError, match="-1"):
        kcore.losses.sparse_categorical_crossentropy(np.array([-1, 2]), np.full((2, 3), 0.3))


def test_bad_arguments_raise_config_errors():
    with pytest.raises(ConfigError, match="label_smoothing"):
        kcore.losses.binary_crossentropy([[1.0]], [[0.5]], label_smoothing=1.5)
    with pytest.raises(ConfigError, match="reduction"):
        kcore.losses.MeanSquaredError(reduction="average")
    with pytest.raises(ConfigError, match="axis"):
        kcore.losses.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], axis=True)


def test_a_single_class_categorical_crossentropy_warns_like_keras():
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        kcore.losses.categorical_crossentropy([[1.0], [1.0]], [[0.4], [0.9]])


def test_a_variable_prediction_records_a_gradient_through_the_loss_class():
    w = kcore.Variable(np.array([[0.2, 0.8]], "float32"))
    with GradientTape() as tape:
        loss = kcore.losses.MeanSquaredError()(np.array([[0.0, 1.0]]), w * 1.0)
    grad = tape.gradient(loss, w)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, [[0.2, -0.2]], rtol=1e-6)  # d/dp mean((p - y)^2) = (p - y) over 2 elements
