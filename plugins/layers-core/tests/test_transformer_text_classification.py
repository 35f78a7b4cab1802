"""keras.io's "Text classification with Transformer" (Apoorv Nandan), spelled with kcore: a TransformerBlock and a
TokenAndPositionEmbedding as custom layers, GlobalAveragePooling1D and Dense, built and trained for an epoch on
small random integer data."""

import numpy as np
import pytest

import kcore
from kcore import layers, ops


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = kcore.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output, training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output, training=training)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


def _classifier(maxlen, vocab_size, embed_dim=8, num_heads=2, ff_dim=16):
    inputs = layers.Input(shape=(maxlen,))
    x = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)(inputs)
    x = TransformerBlock(embed_dim, num_heads, ff_dim)(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return kcore.Model(inputs=inputs, outputs=outputs)


def test_the_keras_io_transformer_classifier_builds_and_trains_one_epoch():
    pytest.importorskip("kcore_layers_conv")  # GlobalAveragePooling1D
    kcore.utils.set_random_seed(0)
    maxlen, vocab_size = 12, 50
    rng = np.random.default_rng(0)
    x = rng.integers(0, vocab_size, (64, maxlen)).astype("int32")
    y = (x[:, 0] < vocab_size // 2).astype("int32")
    model = _classifier(maxlen, vocab_size)
    assert model.outputs[0].shape == (None, 2)
    # token, position, q/k/v/output kernels and biases, two dense layers, two layer norms, two head dense layers
    assert len(model.trainable_weights) == 2 + 8 + 4 + 4 + 4
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    before = [w.numpy() for w in model.trainable_weights]
    history = model.fit(x, y, batch_size=16, epochs=1, validation_data=(x[:16], y[:16]), verbose=0)
    assert np.isfinite(history.history["loss"][0]) and "val_accuracy" in history.history
    changed = [not np.array_equal(b, w.numpy()) for b, w in zip(before, model.trainable_weights, strict=True)]
    assert all(changed), "every weight, attention included, receives a gradient"
    probs = model.predict(x[:4], verbose=0)
    np.testing.assert_allclose(np.asarray(probs).sum(-1), 1.0, rtol=1e-5)
