"""Model configs in Keras 3's layout: JSON-ready, and rebuilding an identical model from them."""

import json

import numpy as np
import pytest

import kcore
from kcore import layers, ops
from kcore.errors import ConfigError
from kcore.saving import deserialize_keras_object, serialize_keras_object


def _same_predictions(model, clone, x):
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_sequential_config_round_trips_through_json():
    model = kcore.Sequential([layers.Input(shape=(6,)), layers.Dense(4, activation="relu"), layers.Dropout(0.5),
                              layers.Dense(2, activation="softmax")], name="mlp")
    config = json.loads(json.dumps(serialize_keras_object(model)))
    assert config["class_name"] == "Sequential"
    assert [c["class_name"] for c in config["config"]["layers"]] == ["InputLayer", "Dense", "Dropout", "Dense"]
    clone = deserialize_keras_object(config)
    assert clone.name == "mlp" and clone.output_shape == (None, 2)
    _same_predictions(model, clone, np.random.default_rng(0).random((3, 6), dtype="float32"))


def test_functional_config_with_shared_layers_ops_two_inputs_and_a_nested_model_round_trips():
    inner = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(4)], name="inner")
    a, b = layers.Input(shape=(4,), name="a"), layers.Input(shape=(4,), name="b")
    shared = layers.Dense(4, name="shared")
    x = shared(a) + shared(b)  # a shared layer and arithmetic on symbolic tensors
    x = ops.concatenate([inner(x), a], axis=-1)
    model = kcore.Model([a, b], [layers.Dense(1, name="out")(x), layers.Dense(2, name="aux")(x)])
    config = json.loads(json.dumps(model.get_config()))
    clone = type(model).from_config(config)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    data = [np.ones((2, 4), "float32"), np.full((2, 4), 2.0, "float32")]
    clone.set_weights(model.get_weights())
    for got, want in zip(clone.predict(data, verbose=0), model.predict(data, verbose=0), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_an_unknown_class_in_a_config_is_refused_without_importing_anything():
    config = {"module": "os", "class_name": "system", "config": {"command": "echo hacked"}, "registered_name": None}
    with pytest.raises(ConfigError, match="'system'"):
        deserialize_keras_object(config)


def test_model_from_config_rebuilds_a_functional_model():
    inputs = layers.Input(shape=(3,))
    model = kcore.Model(inputs, layers.Dense(2)(inputs))
    clone = kcore.Model.from_config(model.get_config())
    assert type(clone).__name__ == "Functional" and len(clone.weights) == 2


def test_a_layer_shared_with_another_model_round_trips():
    shared = layers.Dense(3, name="shared_dense")
    first_in = layers.Input(shape=(3,))
    kcore.Model(first_in, shared(first_in))  # the layer's first call belongs to another model
    second_in = layers.Input(shape=(3,))
    model = kcore.Model(second_in, layers.Dense(1)(shared(shared(second_in))))
    clone = kcore.Model.from_config(json.loads(json.dumps(model.get_config())))
    _same_predictions(model, clone, np.ones((2, 3), "float32"))


def test_functional_layers_are_listed_in_keras_order_without_ops():
    a = layers.Input(shape=(2,), name="a")
    left, right = layers.Dense(2, name="left")(a), layers.Dense(2, name="right")(a)
    model = kcore.Model(a, layers.Dense(1, name="out")(left + right))
    assert [layer.name for layer in model.layers] == ["a", "left", "right", "out"]
