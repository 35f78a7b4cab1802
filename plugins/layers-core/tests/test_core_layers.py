"""Dense, Activation, Embedding, Masking, Lambda and Identity beyond the conformance test."""

import json

import numpy as np
import pytest

from kcore import GradientTape, activations, layers, ops
from kcore.errors import ConfigError, KcoreError, OpIndexError, ShapeError

# Keras 3's Dense.get_config keys (its documented signature, plus the base Layer's name, trainable and dtype).
DENSE_KEYS = {"name", "trainable", "dtype", "units", "activation", "use_bias", "kernel_initializer",
              "bias_initializer", "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint"}
EMBEDDING_KEYS = {"name", "trainable", "dtype", "input_dim", "output_dim", "embeddings_initializer",
                  "embeddings_regularizer", "activity_regularizer", "embeddings_constraint", "mask_zero"}


def _rng():
    return np.random.default_rng(0)


def test_dense_output_equals_inputs_times_kernel_plus_bias():
    layer = layers.Dense(4, bias_initializer="random_normal")
    x = _rng().standard_normal((5, 3)).astype("float32")
    out = layer(x)
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(out, x @ kernel + bias, rtol=1e-6)
    assert out.dtype == np.float32


def test_dense_applies_the_same_kernel_to_every_position_of_rank_3_inputs():
    layer = layers.Dense(2, activation="tanh")
    x = _rng().standard_normal((3, 5, 4)).astype("float32")
    out = layer(x)
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(out, np.tanh(np.einsum("btf,fu->btu", x, kernel) + bias), rtol=1e-5, atol=1e-6)


def test_dense_without_bias_has_only_a_kernel():
    layer = layers.Dense(3, use_bias=False)
    layer(np.ones((1, 2), "float32"))
    assert [w.name for w in layer.weights] == ["kernel"]


def test_dense_casts_integer_inputs_to_float32_rather_than_upcasting():
    assert layers.Dense(2)(np.ones((2, 3), "int32")).dtype == np.float32


@pytest.mark.parametrize("units", [0, -3, 2.5, "4", True])
def test_dense_rejects_a_bad_units_naming_the_layer_and_the_value(units):
    with pytest.raises(ConfigError, match=r"Dense '.*'.*`units`.*units=" + repr(units).replace(".", r"\.")):
        layers.Dense(units=units)


def test_dense_called_on_inputs_with_other_features_than_it_was_built_for_names_both():
    layer = layers.Dense(2)
    layer(np.ones((1, 3), "float32"))
    with pytest.raises(ShapeError, match=r"Dense '.*'.*3\).*\(1, 5\)"):
        layer(np.ones((1, 5), "float32"))


def test_dense_config_has_keras_3_keys_and_survives_json():
    layer = layers.Dense(3, activation="relu", kernel_initializer="he_normal", kernel_regularizer="l2")
    config = layer.get_config()
    assert set(config) == DENSE_KEYS
    assert config["activation"] == "relu"
    assert config["kernel_initializer"]["class_name"] == "HeNormal"
    assert config["kernel_regularizer"] == {"module": "keras.regularizers", "class_name": "L2",
                                            "config": {"l2": 0.01}, "registered_name": None}
    clone = layers.Dense.from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == config


def test_dense_config_names_an_unregistered_activation_by_its_function_name():
    def scaled_tanh(x):
        return ops.tanh(x) * 2.0

    assert layers.Dense(2, activation=scaled_tanh).get_config()["activation"] == "scaled_tanh"


def test_dense_kernel_regularizer_and_activity_regularizer_appear_in_losses():
    layer = layers.Dense(2, kernel_regularizer={"class_name": "L2", "config": {"l2": 0.1}},
                         activity_regularizer="l1")
    x = _rng().standard_normal((4, 3)).astype("float32")
    out = np.asarray(layer(x))
    kernel, _ = layer.get_weights()
    losses = [float(v) for v in layer.losses]
    # the activity penalty is divided by the batch size (4), as in Keras 3
    np.testing.assert_allclose(sorted(losses), sorted([0.1 * np.sum(kernel ** 2), 0.01 * np.abs(out).sum() / 4]),
                               rtol=1e-5)
    assert "activity_regularizer" in layer.get_config()


def test_dense_unknown_initializer_name_says_which_argument_and_suggests_the_spelling():
    with pytest.raises(ConfigError, match=r"`kernel_initializer`.*glorot_unifrom.*glorot_uniform"):
        layers.Dense(2, kernel_initializer="glorot_unifrom")


def test_activation_layer_applies_the_named_function_and_saves_its_name():
    layer = layers.Activation("softplus")
    x = np.array([[-1.0, 0.0, 2.0]], "float32")
    np.testing.assert_allclose(layer(x), np.log1p(np.exp(x)), rtol=1e-6)
    assert layer.get_config()["activation"] == "softplus"


def test_embedding_looks_up_rows_of_its_table():
    layer = layers.Embedding(input_dim=6, output_dim=3)
    indices = np.array([[0, 5, 2], [2, 2, 1]], "int32")
    out = layer(indices)
    table = layer.get_weights()[0]
    np.testing.assert_array_equal(out, table[indices])
    assert out.shape == (2, 3, 3) and out.dtype == np.float32


def test_embedding_default_initializer_is_uniform_within_five_hundredths():
    layer = layers.Embedding(1000, 8)
    layer(np.zeros((1, 1), "int32"))
    table = layer.get_weights()[0]
    assert table.min() >= -0.05 and table.max() <= 0.05 and table.std() > 0.025


def test_embedding_gradient_adds_up_over_repeated_indices():
    layer = layers.Embedding(input_dim=4, output_dim=2)
    indices = np.array([[1, 1, 3], [1, 0, 3]], "int32")
    layer(indices)
    with GradientTape() as tape:
        loss = ops.sum(layer(indices))
    grad = tape.gradient(loss, layer.embeddings)
    counts = np.bincount(indices.ravel(), minlength=4).astype("float32")
    np.testing.assert_array_equal(grad, np.repeat(counts[:, None], 2, axis=1))


def test_embedding_mask_marks_index_zero_as_padding_only_with_mask_zero():
    indices = np.array([[3, 0, 1], [0, 0, 2]], "int32")
    np.testing.assert_array_equal(layers.Embedding(5, 2, mask_zero=True).compute_mask(indices), indices != 0)
    assert layers.Embedding(5, 2).compute_mask(indices) is None


@pytest.mark.parametrize(("dtype", "input_dim", "indices", "bad"), [
    ("int32", 10, [[1, -1, 3]], -1),  # NumPy's take would wrap it to row 9
    ("int64", 10, [[0, 10, 3]], 10),
    ("uint8", 10, [[0, 200]], 200),
    ("int8", 100, [[5, -128]], -128),  # as uint8, -128 is 128: past input_dim
    ("int8", 300, [[-1, 5]], -1),  # as uint8, -1 is 255, within input_dim=300: min and max are both read
    ("int16", 40_000, [[-2, 30_000]], -2),
    ("float32", 10, [[1.0, -2.0]], -2),  # floats are cast to int32 first
], ids=["negative", "too-large", "uint8", "int8", "int8-wide-table", "int16-wide-table", "float"])
def test_embedding_refuses_indices_outside_its_table_naming_the_layer_the_index_and_input_dim(dtype, input_dim,
                                                                                              indices, bad):
    layer = layers.Embedding(input_dim, 2, mask_zero=True, name="words")
    with pytest.raises(OpIndexError, match=rf"Embedding 'words' has input_dim={input_dim}, .*\[0, {input_dim}\); "
                                           rf"received index {bad} "):
        layer(np.array(indices, dtype))
    dtype = "int64" if dtype.startswith("float") else dtype
    fine = np.array([[0, min(input_dim - 1, np.iinfo(dtype).max), 0]], dtype)  # the ends of the table (or dtype)
    np.testing.assert_array_equal(layer(fine), layer.get_weights()[0][fine.astype("int64")])
    np.testing.assert_array_equal(layer.compute_mask(fine), fine != 0)


def test_embedding_config_has_keras_3_keys():
    assert set(layers.Embedding(5, 2).get_config()) == EMBEDDING_KEYS


def test_embedding_starts_from_given_weights():
    table = np.arange(6, dtype="float32").reshape(3, 2)
    layer = layers.Embedding(3, 2, weights=[table])
    np.testing.assert_array_equal(layer(np.array([[2, 0]], "int32")), table[[[2, 0]]])


def test_masking_zeroes_the_masked_timesteps_and_returns_the_mask():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]]], "float32")
    layer = layers.Masking(mask_value=0.0)
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer.compute_mask(x), [[True, False, True]])
    y = np.array([[[5.0, 5.0], [1.0, 2.0]]], "float32")
    np.testing.assert_array_equal(layers.Masking(mask_value=5.0)(y), [[[0.0, 0.0], [1.0, 2.0]]])


def test_lambda_with_a_python_function_refuses_to_be_rebuilt_from_its_config():
    layer = layers.Lambda(lambda x: x * 3)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["function"]["class_name"] == "__lambda__"
    with pytest.raises(KcoreError, match=r"Lambda '.*'.*Python function"):
        layers.Lambda.from_config(config)


def test_lambda_config_is_rebuilt_with_custom_objects_or_for_a_registered_function():
    def triple(x):
        return x * 3

    clone = layers.Lambda.from_config(layers.Lambda(triple).get_config(), custom_objects={"triple": triple})
    np.testing.assert_array_equal(clone(np.ones((1, 2), "float32")), [[3.0, 3.0]])
    named = layers.Lambda(ops.relu)
    assert named.get_config()["function"]["config"] == "relu"
    assert layers.Lambda.from_config(named.get_config()).function is ops.relu
    # an op and an activation may share a name (gelu: approximate by default in ops, exact as an activation)
    assert layers.Lambda.from_config(layers.Lambda(ops.gelu).get_config()).function is ops.gelu
    assert layers.Lambda.from_config(layers.Lambda(activations.gelu).get_config()).function is activations.gelu


def test_lambda_with_an_output_shape_infers_it_without_running_the_function():
    calls = []

    def traced(x):
        calls.append(x)
        return x

    out = layers.Lambda(traced, output_shape=(4,))(layers.Input(shape=(4,)))
    assert out.shape == (None, 4) and not calls


def test_identity_returns_its_inputs():
    x = np.ones((2, 3), "float32")
    assert layers.Identity()(x) is x
