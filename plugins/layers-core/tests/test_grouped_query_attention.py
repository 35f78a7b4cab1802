"""GroupQueryAttention against a NumPy version of grouped-query attention (Ainslie et al., 2023): values, masks,
gating, Keras's weight names and shapes, configs, saving and errors."""

import h5py
import numpy as np
import pytest

import kcore
from kcore import layers
from kcore.errors import ConfigError, ShapeError


def _data(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s).astype("float32") for s in shapes]


def _randomize(layer, seed=1):
    """Random values for every weight (biases too), returned by path."""
    rng = np.random.default_rng(seed)
    for w in layer.weights:
        w.assign(rng.normal(0.0, 0.5, w.shape).astype("float32"))
    return {w.path: w.numpy().astype("float64") for w in layer.weights}


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _gqa_numpy(w, query, value, key, heads, kv_heads, head_dim, keep=None, gate=False, bias=True):
    """Project, repeat each key/value head for its group of query heads, attend per head, project back."""
    def dense(name, x, equation):
        y = np.einsum(equation, x, w[f"{name}/kernel"])
        return y + w[f"{name}/bias"] if bias else y

    q = dense("query", query, "bqm,muh->bquh") / np.sqrt(head_dim)
    k = np.repeat(dense("key", key, "bkm,mvh->bkvh"), heads // kv_heads, axis=2)
    v = np.repeat(dense("value", value, "bkm,mvh->bkvh"), heads // kv_heads, axis=2)
    scores = np.einsum("bquh,bkuh->buqk", q, k)
    if keep is not None:
        scores = np.where(keep[:, None] if keep.ndim == 3 else keep, scores, -1e9)
    probs = _softmax(scores)
    out = np.einsum("buqk,bkuh->bquh", probs, v)
    if gate:
        out = out / (1.0 + np.exp(-dense("gate", query, "bqm,muh->bquh")))
    return dense("attention_output", out, "bquh,uhm->bqm"), probs


def test_group_query_attention_has_keras_weight_names_shapes_and_order():
    gqa = layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    query, value = _data((2, 5, 6), (2, 7, 8))
    gqa(query, value)
    assert [(w.path, w.shape) for w in gqa.weights] == [
        ("query/kernel", (6, 4, 3)), ("query/bias", (4, 3)), ("key/kernel", (8, 2, 3)), ("key/bias", (2, 3)),
        ("value/kernel", (8, 2, 3)), ("value/bias", (2, 3)), ("attention_output/kernel", (4, 3, 6)),
        ("attention_output/bias", (6,))]
    assert layers.GroupQueryAttention is layers.GroupedQueryAttention


@pytest.mark.parametrize(("heads", "kv_heads"), [(4, 2), (6, 1), (3, 3)])
def test_group_query_attention_matches_numpy_with_shared_key_value_heads(heads, kv_heads):
    gqa = layers.GroupQueryAttention(head_dim=2, num_query_heads=heads, num_key_value_heads=kv_heads)
    query, value, key = _data((2, 5, 6), (2, 7, 8), (2, 7, 3))
    gqa(query, value, key)
    weights = _randomize(gqa)
    out, scores = gqa(query, value, key, return_attention_scores=True)
    expected, probs = _gqa_numpy(weights, query, value, key, heads, kv_heads, 2)
    assert out.shape == (2, 5, 6) and scores.shape == (2, heads, 5, 7) and out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(scores, probs, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(gqa(query, value, key), out, rtol=1e-6)  # without scores: the same output
    if kv_heads < heads:  # the query heads of a group share one key head: equal queries give equal scores
        gqa._query_dense.kernel.assign(np.repeat(weights["query/kernel"][:, :1], heads, axis=1))
        gqa._query_dense.bias.assign(np.repeat(weights["query/bias"][:1], heads, axis=0))
        _, scores = gqa(query, value, key, return_attention_scores=True)
        group = heads // kv_heads
        np.testing.assert_allclose(scores[:, :group], np.repeat(np.asarray(scores)[:, :1], group, axis=1),
                                   rtol=1e-6)
        # with a second key head, the last group's scores differ from the first's; with one, all heads agree
        assert np.allclose(scores[:, 0], scores[:, -1]) == (kv_heads == 1)


def test_group_query_attention_with_as_many_key_value_heads_is_multi_head_attention():
    gqa = layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=2)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    query, value = _data((2, 4, 5), (2, 6, 5))
    gqa(query, value)
    mha(query, value)
    _randomize(gqa)
    mha.set_weights(gqa.get_weights())
    np.testing.assert_allclose(gqa(query, value), mha(query, value), rtol=1e-5, atol=1e-6)


def test_group_query_attention_masks_match_numpy_on_both_softmax_paths():
    gqa = layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, sliding_window=2)
    query, value = _data((2, 5, 4), (2, 5, 4))
    gqa(query, value)
    weights = _randomize(gqa)
    value_mask = np.array([[1, 1, 1, 1, 0], [1, 0, 1, 1, 1]], bool)  # no query row is left without a key
    causal = np.tril(np.ones((5, 5), bool))
    band = np.abs(np.arange(5)[:, None] - np.arange(5)[None]) < 2
    keep = value_mask[:, None, :] & causal & band
    expected, probs = _gqa_numpy(weights, query, value, value, 4, 2, 2, keep=keep)
    fused = gqa(query, value, value_mask=value_mask, use_causal_mask=True)
    out, scores = gqa(query, value, value_mask=value_mask, use_causal_mask=True, return_attention_scores=True)
    np.testing.assert_allclose(fused, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(scores, probs, rtol=1e-4, atol=1e-6)
    assert np.all(np.asarray(scores)[:, :, ~band] == 0) and np.all(np.asarray(scores)[0, :, :, 4] == 0)
    # an explicit attention mask is ANDed the same way
    np.testing.assert_allclose(gqa(query, value, attention_mask=keep), expected, rtol=1e-4, atol=1e-5)
    # a query row with no key to attend to: zero weights on the scores path (Keras's masked Softmax)
    _, scores = gqa(query, value, attention_mask=np.zeros((2, 5, 5), bool), return_attention_scores=True)
    np.testing.assert_array_equal(scores, np.zeros((2, 4, 5, 5)))


def test_group_query_attention_gate_multiplies_the_heads_by_a_sigmoid_of_the_query():
    gqa = layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, use_gate=True,
                                     use_bias=False)
    query, value = _data((2, 3, 4), (2, 5, 4))
    gqa(query, value)
    assert [w.path for w in gqa.weights] == ["query/kernel", "key/kernel", "gate/kernel", "value/kernel",
                                             "attention_output/kernel"]
    weights = _randomize(gqa)
    expected, _ = _gqa_numpy(weights, query, value, value, 2, 1, 2, gate=True, bias=False)
    np.testing.assert_allclose(gqa(query, value), expected, rtol=1e-4, atol=1e-5)


def test_group_query_attention_drops_attention_weights_only_in_training():
    gqa = layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, dropout=0.5, seed=3)
    query, value = _data((4, 6, 4), (4, 6, 4))
    inference = np.asarray(gqa(query, value))
    np.testing.assert_array_equal(gqa(query, value, training=False), inference)
    _, scores = gqa(query, value, return_attention_scores=True, training=True)
    np.testing.assert_allclose(np.asarray(scores).sum(-1), 1.0, rtol=1e-5)  # scores are returned before dropout
    assert not np.allclose(gqa(query, value, training=True), inference)


def test_group_query_attention_config_round_trips_with_keras_keys():
    gqa = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=1, dropout=0.1,
                                     use_bias=False, sliding_window=3, use_gate=True, kernel_initializer="he_normal",
                                     seed=7)
    config = gqa.get_config()
    assert {"head_dim", "num_query_heads", "num_key_value_heads", "dropout", "use_bias", "use_gate",
            "sliding_window", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
            "activity_regularizer", "kernel_constraint", "bias_constraint", "seed"} <= set(config)
    assert config["kernel_initializer"]["class_name"] == "HeNormal"
    assert layers.GroupQueryAttention.from_config(config).get_config() == config


def test_group_query_attention_rejects_bad_arguments_and_shapes():
    with pytest.raises(ConfigError, match="`num_query_heads` must be divisible by `num_key_value_heads`"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=3)
    with pytest.raises(ConfigError, match="`head_dim` must be a positive integer"):
        layers.GroupQueryAttention(head_dim=0, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(ConfigError, match="`dropout` must be a number in"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, dropout=1.0)
    with pytest.raises(ConfigError, match="no flash attention"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, flash_attention=True)
    with pytest.raises(ConfigError, match="`sliding_window` must be a positive integer"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, sliding_window=0)
    gqa = layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(ShapeError, match="needs `value`"):
        gqa(np.ones((1, 2, 3), "float32"))
    with pytest.raises(ShapeError, match="expects inputs of rank 3"):
        gqa(np.ones((2, 3), "float32"), np.ones((2, 3), "float32"))
    with pytest.raises(ShapeError, match="the same sequence length"):
        gqa(np.ones((1, 2, 3), "float32"), np.ones((1, 4, 3), "float32"), np.ones((1, 5, 3), "float32"))


def test_a_model_with_group_query_attention_saves_and_loads_in_keras_layout(tmp_path):
    ids = layers.Input((6,), dtype="int32")
    x = layers.Embedding(12, 8, mask_zero=True)(ids)
    gqa = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, use_gate=True)
    out = layers.Dense(3)(gqa(x, x))
    model = kcore.Model(ids, out)
    data = np.random.default_rng(0).integers(0, 12, (4, 6)).astype("int32")
    data[:, 4:] = 0
    expected = model.predict(data, verbose=0)
    model.save(tmp_path / "m.keras")
    restored = kcore.saving.load_model(tmp_path / "m.keras")
    assert type(restored.layers[2]).__name__ == "GroupedQueryAttention"
    np.testing.assert_allclose(restored.predict(data, verbose=0), expected, rtol=1e-6, atol=1e-6)
    model.save_weights(tmp_path / "m.weights.h5")
    with h5py.File(tmp_path / "m.weights.h5") as f:  # Keras's paths: the sub-layers' attribute names
        group = f["layers/grouped_query_attention"]
        assert group["_query_dense/vars/0"].shape == (8, 4, 4)
        assert group["_key_dense/vars/0"].shape == (8, 2, 4) and group["_value_dense/vars/1"].shape == (2, 4)
        assert group["_gate_dense/vars/0"].shape == (8, 4, 4)
        assert group["_output_dense/vars/0"].shape == (4, 4, 8)
        np.testing.assert_array_equal(group["_query_dense/vars/0"][()], gqa._query_dense.kernel.numpy())
