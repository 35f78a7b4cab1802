"""MultiHeadAttention, Attention and AdditiveAttention against plain-NumPy versions of the published equations:
outputs, padding / causal / explicit masks, attention scores, gradients, configs, errors, and a file written by
Keras 3.15 (tests/data, made with Keras's numpy backend) that must load and give Keras's outputs."""

import pathlib

import numpy as np
import pytest

import kcore
from kcore import layers
from kcore.errors import ConfigError, ShapeError
from kcore.testing import check_gradients

DATA = pathlib.Path(__file__).parent / "data"


def _softmax(s, keep=None, zero_masked=True):
    s = s if keep is None else np.where(keep, s, -1e9)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return p if keep is None or not zero_masked else np.where(keep, p, 0.0)


def _mha_numpy(weights, query, value, key=None, keep=None, zero_masked=True):
    """Scaled dot-product attention with heads (Vaswani et al.): weights as MultiHeadAttention lists them."""
    qk, qb, kk, kb, vk, vb, ok, ob = weights
    key = value if key is None else key
    q = np.einsum("btd,dnh->btnh", query, qk) + qb
    k = np.einsum("bsd,dnh->bsnh", key, kk) + kb
    v = np.einsum("bsd,dnh->bsnh", value, vk) + vb
    scores = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(qk.shape[-1])
    probs = _softmax(scores, None if keep is None else keep[:, None], zero_masked)
    heads = np.einsum("bnts,bsnh->btnh", probs, v)
    return np.einsum("btnh,nho->bto", heads, ok) + ob, probs


def _randomize(layer, seed=3):
    rng = np.random.default_rng(seed)
    for w in layer.weights:
        w.assign(rng.normal(0, 0.5, w.shape).astype(w.dtype))
    return [w.numpy() for w in layer.weights]


def _data(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s).astype("float32") for s in shapes]


def test_multi_head_attention_kernels_have_keras_shapes_names_and_order():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4)
    query, value = _data((2, 5, 6), (2, 7, 8))
    mha(query, value)
    assert [(w.path, w.shape) for w in mha.weights] == [
        ("query/kernel", (6, 2, 3)), ("query/bias", (2, 3)), ("key/kernel", (8, 2, 3)), ("key/bias", (2, 3)),
        ("value/kernel", (8, 2, 4)), ("value/bias", (2, 4)), ("attention_output/kernel", (2, 4, 6)),
        ("attention_output/bias", (6,))]


def test_multi_head_attention_matches_numpy_scaled_dot_product_attention_with_heads():
    mha = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4)
    query, value, key = _data((2, 5, 6), (2, 7, 8), (2, 7, 3))
    mha(query, value, key)
    weights = _randomize(mha)
    out, scores = mha(query, value, key, return_attention_scores=True)
    expected, probs = _mha_numpy(weights, query, value, key)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    assert scores.shape == (2, 3, 5, 7) and out.dtype == np.float32
    np.testing.assert_allclose(scores, probs, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(np.asarray(scores).sum(-1), 1.0, rtol=1e-5)


def test_padding_masks_from_embedding_hide_padded_keys_and_queries_as_keras_does():
    ids = np.array([[3, 1, 4, 0, 0], [5, 9, 2, 6, 5], [7, 0, 0, 0, 0]], "int32")
    inputs = layers.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 6, mask_zero=True)(inputs)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    model = kcore.Model(inputs, mha(embedded, embedded, return_attention_scores=True))
    model.predict(ids, verbose=0)
    weights = _randomize(mha)
    out, scores = model.predict(ids, verbose=0)
    x = model.layers[1].embeddings.numpy()[ids]
    mask = ids != 0
    keep = mask[:, :, None] & mask[:, None, :]
    expected, probs = _mha_numpy(weights, x, x, keep=keep)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(scores, probs, rtol=1e-4, atol=1e-6)
    assert np.all(np.asarray(scores)[:, :, :, 3:][np.broadcast_to(~mask[:, None, None, 3:], (3, 2, 5, 2))] == 0)


def test_without_scores_a_fully_masked_query_attends_uniformly_as_in_keras_fused_path():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    x, = _data((2, 4, 6))
    mha(x, x)
    weights = _randomize(mha)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    out = mha(x, x, query_mask=mask, value_mask=mask)
    keep = mask[:, :, None] & mask[:, None, :]
    np.testing.assert_allclose(out, _mha_numpy(weights, x, x, keep=keep, zero_masked=False)[0], rtol=1e-4,
                               atol=1e-5)


def test_causal_mask_keeps_each_position_from_attending_to_later_ones():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    x, = _data((2, 4, 5))
    mha(x, x)
    weights = _randomize(mha)
    out, scores = mha(x, x, use_causal_mask=True, return_attention_scores=True)
    causal = np.tril(np.ones((4, 4), bool))[None]
    expected, probs = _mha_numpy(weights, x, x, keep=np.broadcast_to(causal, (2, 4, 4)))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    assert np.all(np.asarray(scores)[:, :, ~causal[0]] == 0)
    np.testing.assert_allclose(scores, probs, rtol=1e-4, atol=1e-6)


def test_explicit_attention_mask_is_combined_with_the_causal_mask():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    x, = _data((2, 4, 5))
    mha(x, x)
    weights = _randomize(mha)
    explicit = np.random.default_rng(1).random((2, 4, 4)) > 0.3
    explicit[:, :, 0] = True
    out = mha(x, x, attention_mask=explicit, use_causal_mask=True)
    keep = explicit & np.tril(np.ones((4, 4), bool))[None]
    np.testing.assert_allclose(out, _mha_numpy(weights, x, x, keep=keep)[0], rtol=1e-4, atol=1e-5)


def test_multi_head_attention_gradients_match_finite_differences():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=2, dtype="float64")
    query, value = (a.astype("float64") for a in _data((2, 3, 4), (2, 5, 4)))
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    check_gradients(lambda q, v: mha(q, v, value_mask=mask, use_causal_mask=True), [query, value],
                    name="MultiHeadAttention")


def test_multi_head_attention_errors_name_the_layer_and_the_fix():
    with pytest.raises(ConfigError, match=r"MultiHeadAttention .*key_dim.*required.*key_dim=64"):
        layers.MultiHeadAttention(num_heads=2)
    with pytest.raises(ConfigError, match=r"num_heads.*positive.*num_heads=0"):
        layers.MultiHeadAttention(num_heads=0, key_dim=2)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    with pytest.raises(ShapeError, match="needs `value`"):
        mha(np.ones((1, 2, 3), "float32"))
    with pytest.raises(ShapeError, match="`value` and `key` must have the same shape"):
        mha(np.ones((1, 2, 3), "float32"), np.ones((1, 4, 3), "float32"), np.ones((1, 5, 3), "float32"))


def test_multi_head_attention_config_round_trips_with_keras_keys():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, dropout=0.1, output_shape=5,
                                    attention_axes=1, use_bias=False, kernel_initializer="he_normal")
    config = mha.get_config()
    assert {"num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape", "attention_axes",
            "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
            "activity_regularizer", "kernel_constraint", "bias_constraint", "seed"} <= set(config)
    assert type(mha).from_config(config).get_config() == config


def test_a_keras_3_15_file_with_attention_loads_and_gives_keras_outputs():
    model = kcore.saving.load_model(DATA / "keras_3_15_attention.keras")
    data = np.load(DATA / "keras_3_15_attention_outputs.npz")
    out, scores = model.predict([data["ids"], data["context"]], verbose=0)
    np.testing.assert_allclose(out, data["output"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(scores, data["scores"], rtol=1e-5, atol=1e-5)


def test_a_model_with_attention_layers_saves_and_loads(tmp_path):
    ids = layers.Input((6,), dtype="int32")
    x = layers.Embedding(12, 8, mask_zero=True)(ids)
    x = layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1)(x, x)
    x = layers.Attention(use_scale=True)([x, x])
    x = layers.AdditiveAttention()([x, x])
    x = layers.GroupNormalization(groups=2)(x)
    x = layers.PReLU()(x)
    x = layers.UnitNormalization()(x)
    out = layers.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d")(x)
    model = kcore.Model(ids, out)
    data = np.random.default_rng(0).integers(0, 12, (4, 6)).astype("int32")
    expected = model.predict(data, verbose=0)
    model.save(tmp_path / "m.keras")
    restored = kcore.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(restored.predict(data, verbose=0), expected, rtol=1e-6, atol=1e-6)


def _attention_numpy(query, value, key, score, query_mask=None, value_mask=None, causal=False):
    scores = score(query, key)
    keep = np.ones(scores.shape, bool)
    if value_mask is not None:
        keep &= value_mask[:, None, :]
    if causal:
        keep &= np.tril(np.ones(scores.shape[-2:], bool))
    scores = np.where(keep, scores, scores - 1e9)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    out = weights @ value
    return (out if query_mask is None else np.where(query_mask[..., None], out, 0.0)), weights


def test_dot_attention_matches_numpy_with_query_and_value_masks():
    query, value, key = _data((2, 3, 4), (2, 5, 6), (2, 5, 4))
    q_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    v_mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    out, weights = layers.Attention()([query, value, key], mask=[q_mask, v_mask], return_attention_scores=True)
    expected, expected_weights = _attention_numpy(query, value, key, lambda q, k: q @ k.transpose(0, 2, 1),
                                                  q_mask, v_mask)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-5, atol=1e-7)


def test_concat_attention_with_scale_and_the_causal_mask_matches_numpy():
    query, value = _data((2, 4, 3), (2, 4, 3))
    layer = layers.Attention(use_scale=True, score_mode="concat")
    layer([query, value])
    layer.scale.assign(np.float32(0.7))
    layer.concat_score_weight.assign(np.float32(1.3))
    out = layer([query, value], use_causal_mask=True)
    score = lambda q, k: 1.3 * np.tanh(0.7 * (q[:, :, None] + k[:, None])).sum(-1)  # noqa: E731
    np.testing.assert_allclose(out, _attention_numpy(query, value, value, score, causal=True)[0], rtol=1e-5,
                               atol=1e-6)


def test_additive_attention_matches_numpy_bahdanau_scores():
    query, value = _data((2, 3, 4), (2, 5, 4))
    layer = layers.AdditiveAttention()
    layer([query, value])
    scale = layer.scale.numpy()
    out, weights = layer([query, value], return_attention_scores=True)
    score = lambda q, k: (scale * np.tanh(q[:, :, None] + k[:, None])).sum(-1)  # noqa: E731
    expected, expected_weights = _attention_numpy(query, value, value, score)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-5, atol=1e-7)
    assert "score_mode" not in layer.get_config()


@pytest.mark.parametrize("layer", [layers.Attention(use_scale=True, dtype="float64"),
                                   layers.Attention(score_mode="concat", dtype="float64"),
                                   layers.AdditiveAttention(dtype="float64")])
def test_attention_gradients_for_query_and_value_match_finite_differences(layer):
    query, value = (a.astype("float64") for a in _data((2, 3, 4), (2, 5, 4)))
    mask = [np.array([[1, 1, 0], [1, 1, 1]], bool), np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)]
    check_gradients(lambda q, v: layer([q, v], mask=mask), [query, value], name=type(layer).__name__)


def test_attention_refuses_query_and_key_of_different_sizes_and_says_how_to_fix_it():
    with pytest.raises(ShapeError, match=r"Attention '.*' .*last axis.*\(2, 3, 4\).*\(2, 5, 6\).*Dense\(6\)"):
        layers.Attention()([np.ones((2, 3, 4), "float32"), np.ones((2, 5, 6), "float32")])
    with pytest.raises(ShapeError, match=r"list \[query, value\]"):
        layers.Attention()(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ConfigError, match=r"score_mode.*'dot' or 'concat'.*'cosine'"):
        layers.Attention(score_mode="cosine")
