"""TextVectorization: Keras 3's documented examples, character and word splitting against per-string
references, n-grams, the counting modes, and models that hold the layer through config and .keras archives."""

import json
import string

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kcore_layers_preprocessing.text_vectorization import TextVectorization

import kcore
from kcore import layers
from kcore.errors import ConfigError, ShapeError


def test_text_vectorization_reproduces_keras_examples():
    layer = TextVectorization(max_tokens=5000, output_mode="int", output_sequence_length=4)
    layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    np.testing.assert_array_equal(layer([["foo qux bar"], ["qux baz"]]), [[4, 1, 3, 0], [1, 2, 0, 0]])
    given_vocab = TextVectorization(max_tokens=5000, output_sequence_length=4,
                                    vocabulary=["earth", "wind", "and", "fire"])
    assert given_vocab.get_vocabulary() == ["", "[UNK]", "earth", "wind", "and", "fire"]


def test_dna_strings_become_padded_character_indices():
    layer = TextVectorization(split="character", output_sequence_length=6)
    layer.adapt(np.array(["ATGCCGATGA", "GGCATT"]))
    assert layer.get_vocabulary() == ["", "[UNK]", "g", "t", "a", "c"]
    out = layer(np.array(["ATGC", "CATTAGN"]))
    np.testing.assert_array_equal(out, [[4, 3, 2, 5, 0, 0], [5, 4, 3, 3, 4, 2]])
    assert out.dtype == np.int64 and layer.vocabulary_size() == 6
    np.testing.assert_array_equal(layer(np.array([["ATGC"], ["N"]])), [[4, 3, 2, 5, 0, 0], [1, 0, 0, 0, 0, 0]])


DNA = st.text("ACGTNacgt", max_size=15)


@given(st.lists(DNA, min_size=1, max_size=6), st.one_of(st.none(), st.integers(1, 12)))
def test_character_split_matches_a_per_string_reference(sequences, length):
    layer = TextVectorization(split="character", vocabulary=["a", "c", "g", "t"], output_sequence_length=length)
    index = {"a": 2, "c": 3, "g": 4, "t": 5}
    rows = [[index.get(ch, 1) for ch in s.lower()] for s in sequences]
    width = length if length is not None else max(len(r) for r in rows)
    expected = np.array([(r + [0] * width)[:width] for r in rows]).reshape(len(rows), width)
    np.testing.assert_array_equal(layer(np.array(sequences, dtype=object)), expected)


WORDS = st.lists(st.sampled_from(["The", "cat", "SAT", "on", "mat.", "dog,", "a", "!"]), max_size=7)


@given(st.lists(WORDS, min_size=1, max_size=5), st.sampled_from([" ", "  ", "\t", " \n "]))
def test_word_split_matches_python_split_after_standardizing(sentences, gap):
    texts = [gap.join(words) for words in sentences]
    vocab = ["the", "cat", "sat", "mat", "dog"]
    layer = TextVectorization(vocabulary=vocab)
    table = str.maketrans("", "", string.punctuation)
    rows = [[vocab.index(w) + 2 if w in vocab else 1 for w in t.lower().translate(table).split()] for t in texts]
    width = max(len(r) for r in rows)
    expected = np.array([r + [0] * (width - len(r)) for r in rows]).reshape(len(rows), width)
    np.testing.assert_array_equal(layer(np.array(texts)), expected)


def test_standardize_and_split_options():
    raw = np.array(["Hello, World!"])
    keep = TextVectorization(standardize=None, vocabulary=["Hello,", "World!"])
    np.testing.assert_array_equal(keep(raw), [[2, 3]])
    strip = TextVectorization(standardize="strip_punctuation", vocabulary=["Hello", "World"])
    np.testing.assert_array_equal(strip(raw), [[2, 3]])
    whole = TextVectorization(split=None, vocabulary=["hello world"], output_mode="one_hot")
    np.testing.assert_array_equal(whole(np.array(["Hello, World!", "bye"])), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(TextVectorization(vocabulary=["héllo"])(np.array([b"H\xc3\xa9llo"])), [[2]])


def test_ngrams_follow_the_unigrams_of_their_row():
    vocab = ["the", "cat", "sat", "the cat", "cat sat"]
    layer = TextVectorization(vocabulary=vocab, ngrams=2)
    np.testing.assert_array_equal(layer(np.array(["the cat sat", "cat"])), [[2, 3, 4, 5, 6], [3, 0, 0, 0, 0]])
    only_pairs = TextVectorization(vocabulary=vocab, ngrams=(2,))
    np.testing.assert_array_equal(only_pairs(np.array(["the cat sat"])), [[5, 6]])


def test_bag_modes_count_tokens_per_string():
    texts = np.array(["the cat the", "a dog", "cat"])
    multi = TextVectorization(output_mode="multi_hot")
    multi.adapt(texts)
    assert multi.get_vocabulary() == ["[UNK]", "the", "cat", "dog", "a"]
    np.testing.assert_array_equal(multi(texts), [[0, 1, 1, 0, 0], [0, 0, 0, 1, 1], [0, 0, 1, 0, 0]])
    count = TextVectorization(output_mode="count", vocabulary=["the", "cat"], max_tokens=5, pad_to_max_tokens=True)
    np.testing.assert_array_equal(count(np.array(["the cat the zebra"])), [[1, 2, 1, 0, 0]])
    tf_idf = TextVectorization(output_mode="tf_idf")
    tf_idf.adapt(texts)
    idf = np.log(1 + 3 / (1 + np.array([1.0, 2.0, 1.0, 1.0])))  # the, cat, dog, a
    np.testing.assert_allclose(tf_idf(np.array(["the the cat"]))[0], [0, 2 * idf[0], idf[1], 0, 0], rtol=1e-6)


def test_max_tokens_caps_the_adapted_vocabulary():
    layer = TextVectorization(max_tokens=4)
    layer.adapt(np.array(["a a a b b c d"]))
    assert layer.get_vocabulary() == ["", "[UNK]", "a", "b"]


def test_bad_arguments_and_shapes_get_clear_errors():
    with pytest.raises(ConfigError, match="output_sequence_length"):
        TextVectorization(output_mode="multi_hot", output_sequence_length=3)
    with pytest.raises(ConfigError, match="split"):
        TextVectorization(split="sentence")
    with pytest.raises(ConfigError, match="ngrams"):
        TextVectorization(ngrams=0)
    with pytest.raises(ConfigError, match="ragged"):
        TextVectorization(ragged=True)
    with pytest.raises(ShapeError, match=r"\(batch, 1\)"):
        TextVectorization()(np.array([["a", "b"]]))
    with pytest.raises(ConfigError, match="never saves code"):
        TextVectorization(standardize=str.upper).get_config()


def _dna_model():
    vectorize = TextVectorization(split="character", output_sequence_length=8, name="dna")
    vectorize.adapt(np.array(["ATGCCGATGA", "GGCATT", "TATAAA"]))
    inputs = layers.Input(shape=(), dtype="string")
    x = layers.Embedding(vectorize.vocabulary_size(), 3)(vectorize(inputs))
    return kcore.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.Flatten()(x)))


def test_a_model_holding_the_layer_round_trips_through_its_config():
    model, strings = _dna_model(), np.array(["ATGC", "GATTACA", "NNNN"])
    config = json.loads(json.dumps(kcore.saving.serialize_keras_object(model)))
    clone = kcore.saving.deserialize_keras_object(config)
    clone.set_weights(model.get_weights())
    assert clone.get_layer("dna").get_vocabulary() == model.get_layer("dna").get_vocabulary()
    np.testing.assert_allclose(clone(strings), model(strings), rtol=1e-6)


def test_a_model_holding_the_layer_round_trips_through_a_keras_archive(tmp_path):
    model, strings = _dna_model(), np.array(["ATGC", "GATTACA"])
    model.save(str(tmp_path / "dna.keras"))
    loaded = kcore.saving.load_model(str(tmp_path / "dna.keras"))
    assert loaded.get_layer("dna").get_vocabulary() == model.get_layer("dna").get_vocabulary()
    np.testing.assert_allclose(loaded(strings), model(strings), rtol=1e-6)


def test_a_sequential_model_can_start_from_strings():
    vectorize = TextVectorization(split="character", output_sequence_length=5, vocabulary=["a", "c", "g", "t"])
    model = kcore.Sequential([layers.Input(shape=(1,), dtype="string"), vectorize, layers.Embedding(6, 2),
                              layers.Flatten()])
    assert model.output_shape == (None, 10)
    assert model(np.array([["acgt"], ["ttt"]])).shape == (2, 10)
