"""RMSNormalization and SpectralNormalization against NumPy versions of their equations, with configs, saving and
errors."""

import h5py
import numpy as np
import pytest

import kcore
from kcore import layers
from kcore.errors import ConfigError, ShapeError
from kcore.testing import check_gradients


def _x(shape, seed=0):
    return np.random.default_rng(seed).normal(0.5, 2.0, shape).astype("float32")


def _rms_norm_numpy(x, scale, axes, epsilon):
    """Zhang & Sennrich (2019): x / sqrt(mean(x ** 2) + epsilon) * scale, `scale` laid along `axes`."""
    shape = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]
    return x / np.sqrt(np.mean(x.astype("float64") ** 2, axis=axes, keepdims=True) + epsilon) * scale.reshape(shape)


# -- RMSNormalization ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("axis", "axes", "shape"), [(-1, (2,), (2, 3, 5)), ([1, 2], (1, 2), (2, 3, 4)),
                                                      (1, (1,), (3, 4, 2)), ([-1, 1], (1, 3), (2, 3, 2, 4))])
def test_rms_normalization_matches_numpy_over_its_axes_with_a_learned_scale(axis, axes, shape):
    x = _x(shape)
    layer = layers.RMSNormalization(axis=axis, epsilon=1e-3)
    layer.build(shape)
    assert layer.scale.shape == tuple(shape[a] for a in axes)
    layer.scale.assign(np.random.default_rng(1).normal(size=layer.scale.shape).astype("float32"))
    y = layer(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, _rms_norm_numpy(x, layer.scale.numpy(), axes, 1e-3), rtol=1e-5, atol=1e-6)


def test_rms_normalization_has_keras_defaults_and_one_weight_named_scale():
    layer = layers.RMSNormalization()
    assert (layer.axis, layer.epsilon) == (-1, 1e-6)
    layer(_x((2, 7)))
    assert [w.name for w in layer.weights] == ["scale"]
    np.testing.assert_array_equal(layer.scale.numpy(), np.ones(7, "float32"))
    # without centring, a sample and its negation normalise to opposite outputs (LayerNormalization's would too,
    # but a shifted sample would not normalise to the same output as RMS does not subtract the mean)
    x = _x((1, 7))
    np.testing.assert_allclose(layer(-x), -np.asarray(layer(x)), rtol=1e-6)
    assert not np.allclose(layer(x + 1.0), layer(x), atol=1e-2)


def test_rms_normalization_keeps_a_zero_sample_zero_and_its_gradient_finite():
    layer = layers.RMSNormalization(dtype="float64")
    x = np.zeros((2, 4))
    np.testing.assert_array_equal(layer(x), np.zeros((2, 4)))
    check_gradients(lambda t: layer(t), [np.random.default_rng(0).normal(size=(2, 4))])


def test_rms_normalization_config_round_trips():
    layer = layers.RMSNormalization(axis=[1, 2], epsilon=1e-4, name="rms")
    config = layer.get_config()
    assert config["axis"] == [1, 2] and config["epsilon"] == 1e-4 and config["name"] == "rms"
    assert layers.RMSNormalization.from_config(config).get_config() == config
    layer(_x((2, 3, 4)))
    assert layer.get_config() == config  # building does not rewrite `axis`


def test_rms_normalization_rejects_bad_arguments_and_shapes():
    with pytest.raises(ConfigError, match="`axis` must be an int or a list of ints"):
        layers.RMSNormalization(axis="last")
    with pytest.raises(ConfigError, match="`epsilon` must be positive"):
        layers.RMSNormalization(epsilon=0)
    with pytest.raises(ConfigError, match="`epsilon` must be a number >= 0"):
        layers.RMSNormalization(epsilon=-1e-3)
    with pytest.raises(ShapeError, match="normalises over axis 3"):
        layers.RMSNormalization(axis=3)(_x((2, 3)))
    with pytest.raises(ConfigError, match="the same axis twice"):
        layers.RMSNormalization(axis=[1, -1])(_x((2, 3)))
    layer = layers.RMSNormalization()
    layer(_x((2, 3)))
    with pytest.raises(ShapeError, match="received shape \\(2, 4\\)"):
        layer(_x((2, 4)))


def test_a_model_with_rms_normalization_saves_and_loads(tmp_path):
    inputs = layers.Input((3, 4))
    norm = layers.RMSNormalization(axis=[1, 2])
    model = kcore.Model(inputs, layers.Dense(2)(norm(inputs)))
    norm.scale.assign(np.random.default_rng(2).normal(size=(3, 4)).astype("float32"))
    x = _x((5, 3, 4))
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    restored = kcore.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(restored.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
    assert isinstance(restored.layers[1], layers.RMSNormalization) and restored.layers[1].axis == [1, 2]


# -- SpectralNormalization ----------------------------------------------------------------------------------------

def _unit(x):
    return x / np.sqrt(max(np.sum(x.astype("float64") ** 2), 1e-14))


def _spectral_numpy(kernel, u, iterations):
    """Miyato et al. (2018): power iteration on the kernel as a (-1, out) matrix; returns (kernel / sigma, u)."""
    w = kernel.reshape(-1, kernel.shape[-1]).astype("float64")
    for _ in range(iterations):
        v = _unit(u @ w.T)
        u = _unit(v @ w)
    sigma = (v @ w @ u.T).item()
    return kernel / sigma, u


def test_spectral_normalization_at_inference_is_the_wrapped_layer_and_changes_nothing():
    dense = layers.Dense(3)
    layer = layers.SpectralNormalization(dense)
    x = _x((4, 5))
    y = layer(x)
    kernel, u = dense.kernel.numpy(), layer.vector_u.numpy()
    np.testing.assert_allclose(y, x @ kernel + dense.bias.numpy(), rtol=1e-5, atol=1e-6)
    layer(x, training=False)
    np.testing.assert_array_equal(dense.kernel.numpy(), kernel)
    np.testing.assert_array_equal(layer.vector_u.numpy(), u)


@pytest.mark.parametrize("iterations", [1, 3])
def test_spectral_normalization_in_training_divides_the_kernel_by_the_power_iteration_estimate(iterations):
    dense = layers.Dense(3, bias_initializer="ones")
    layer = layers.SpectralNormalization(dense, power_iterations=iterations)
    x = _x((4, 5, 6))
    layer.build(x.shape)
    kernel, u = dense.kernel.numpy(), layer.vector_u.numpy()
    expected_kernel, expected_u = _spectral_numpy(kernel, u, iterations)
    y = layer(x, training=True)
    np.testing.assert_allclose(dense.kernel.numpy(), expected_kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.vector_u.numpy(), expected_u, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y, x @ expected_kernel + 1.0, rtol=1e-5, atol=1e-5)
    assert dense.kernel.dtype == np.float32 and layer.vector_u.dtype == np.float32


def test_spectral_normalization_drives_the_largest_singular_value_to_one():
    layer = layers.SpectralNormalization(layers.Dense(4), power_iterations=5)
    x = _x((2, 6))
    for _ in range(10):
        layer(x, training=True)
    assert np.linalg.svd(layer.layer.kernel.numpy(), compute_uv=False)[0] == pytest.approx(1.0, abs=1e-4)


def test_spectral_normalization_of_a_kernel_of_ones_halves_it_for_a_rank_one_four_by_one_matrix():
    # the Keras check: a (4, 1) kernel of ones has spectral norm 2
    layer = layers.SpectralNormalization(layers.Dense(1, kernel_initializer="ones", use_bias=False),
                                         power_iterations=8)
    x = np.ones((1, 4), "float32")
    np.testing.assert_allclose(layer(x), [[4.0]])
    np.testing.assert_allclose(layer(x, training=True), [[2.0]], rtol=1e-6)


def test_spectral_normalization_leaves_an_all_zero_kernel_alone():
    layer = layers.SpectralNormalization(layers.Dense(2, kernel_initializer="zeros"))
    x = _x((3, 4))
    layer.build(x.shape)
    u = layer.vector_u.numpy()
    y = layer(x, training=True)
    assert np.all(np.isfinite(y))
    np.testing.assert_array_equal(layer.layer.kernel.numpy(), np.zeros((4, 2)))
    np.testing.assert_array_equal(layer.vector_u.numpy(), u)


def test_spectral_normalization_normalizes_the_embeddings_of_an_embedding_layer():
    embedding = layers.Embedding(6, 3)
    layer = layers.SpectralNormalization(embedding, power_iterations=2)
    ids = np.array([[0, 5, 2]], "int32")
    layer.build(ids.shape)
    expected, _ = _spectral_numpy(embedding.embeddings.numpy(), layer.vector_u.numpy(), 2)
    out = layer(ids, training=True)
    np.testing.assert_allclose(out, expected[ids[0]][None], rtol=1e-5, atol=1e-6)


def test_spectral_normalization_has_keras_weights_and_trains_through_the_wrapped_layer():
    layer = layers.SpectralNormalization(layers.Dense(2))
    layer(_x((3, 4)))
    assert layer.vector_u.shape == (1, 2) and layer.vector_u.name == "vector_u"
    assert [w.name for w in layer.trainable_weights] == ["kernel", "bias"]
    assert [w.name for w in layer.non_trainable_weights] == ["vector_u"]
    assert [w.name for w in layer.weights] == ["kernel", "vector_u", "bias"]  # Keras's get_weights order
    # gradients reach the wrapped layer's kernel in a training step
    with kcore.GradientTape() as tape:
        loss = kcore.ops.sum(layer(_x((3, 4)), training=True))
    grads = tape.gradient(loss, layer.trainable_weights)
    assert all(g is not None and np.any(np.asarray(g)) for g in grads)


def test_spectral_normalization_config_nests_the_wrapped_layer_and_round_trips():
    layer = layers.SpectralNormalization(layers.Dense(3, activation="tanh", name="inner"), power_iterations=2,
                                         name="sn")
    config = layer.get_config()
    assert config["power_iterations"] == 2 and config["name"] == "sn"
    assert config["layer"]["class_name"] == "Dense" and config["layer"]["config"]["units"] == 3
    clone = layers.SpectralNormalization.from_config(config)
    assert isinstance(clone.layer, layers.Dense) and clone.layer.name == "inner"
    assert clone.get_config() == config
    from_dict = layers.SpectralNormalization({"class_name": "Dense", "config": {"units": 2}}, dtype="float64")
    assert from_dict.layer.dtype == "float64"


def test_spectral_normalization_rejects_bad_arguments():
    with pytest.raises(ConfigError, match="`power_iterations` must be a positive integer"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ConfigError, match="`layer` must be a layer"):
        layers.SpectralNormalization("dense")
    with pytest.raises(ConfigError, match="has no `kernel` nor `embeddings` weight"):
        layers.SpectralNormalization(layers.ReLU())(_x((2, 3)))
    with pytest.raises(ConfigError, match="`layer`:"):
        layers.SpectralNormalization({"class_name": "NoSuchLayer", "config": {}})


def test_a_model_with_spectral_normalization_saves_its_state_and_loads(tmp_path):
    inputs = layers.Input((4,))
    wrapped = layers.SpectralNormalization(layers.Dense(3), power_iterations=2)
    model = kcore.Model(inputs, wrapped(inputs))
    x = _x((5, 4))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, _x((5, 3), seed=1), epochs=2, verbose=0)  # training updates vector_u and the kernel
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    restored = kcore.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(restored.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
    for saved, loaded in zip(model.get_weights(), restored.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, loaded)
    # Keras's layout: the wrapper's own variables are the wrapped kernel, then vector_u
    model.save_weights(tmp_path / "m.weights.h5")
    with h5py.File(tmp_path / "m.weights.h5") as f:
        own = f["layers/spectral_normalization/vars"]  # named after the class, as Keras names it
        np.testing.assert_array_equal(own["0"][()], wrapped.layer.kernel.numpy())
        np.testing.assert_array_equal(own["1"][()], wrapped.vector_u.numpy())
        assert len(f["layers/spectral_normalization/layer/vars"]) == 2
