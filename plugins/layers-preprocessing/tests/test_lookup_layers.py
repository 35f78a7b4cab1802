"""StringLookup and IntegerLookup: Keras 3's documented examples, adapt's ranking, and a per-token reference."""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kcore_layers_preprocessing.integer_lookup import IntegerLookup
from kcore_layers_preprocessing.string_lookup import StringLookup

from kcore.errors import ConfigError, DTypeError, OpIndexError

VOCAB = ["a", "b", "c", "d"]
DATA = np.array([["a", "c", "d"], ["d", "z", "b"]])
BAGS = np.array([["a", "c", "d", "d"], ["d", "z", "b", "z"]])


def test_string_lookup_reproduces_keras_examples():
    layer = StringLookup(vocabulary=VOCAB)
    np.testing.assert_array_equal(layer(DATA), [[1, 3, 4], [4, 0, 2]])
    assert layer(DATA).dtype == np.int64
    np.testing.assert_array_equal(StringLookup(vocabulary=VOCAB, output_mode="one_hot")(["a", "b", "c", "d", "z"]),
                                  np.eye(5)[[1, 2, 3, 4, 0]])
    np.testing.assert_array_equal(StringLookup(vocabulary=VOCAB, output_mode="multi_hot")(BAGS),
                                  [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]])
    counts = StringLookup(vocabulary=VOCAB, output_mode="count")(BAGS)
    np.testing.assert_array_equal(counts, [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]])
    assert counts.dtype == np.float32
    tf_idf = StringLookup(vocabulary=VOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4], output_mode="tf_idf")(BAGS)
    np.testing.assert_allclose(tf_idf, [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], rtol=1e-6)
    inverse = StringLookup(vocabulary=VOCAB, invert=True)(np.array([[1, 3, 4], [4, 0, 2]]))
    assert inverse.tolist() == [["a", "c", "d"], ["d", "[UNK]", "b"]]


def test_adapt_ranks_by_frequency_and_breaks_ties_as_keras():
    layer = StringLookup()
    layer.adapt(DATA)
    assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]
    np.testing.assert_array_equal(layer(DATA), [[5, 3, 1], [1, 2, 4]])
    capped = StringLookup(max_tokens=3)
    capped.adapt(DATA)
    assert capped.get_vocabulary() == ["[UNK]", "d", "z"] and capped.vocabulary_size() == 3
    batches = StringLookup()
    batches.adapt(iter([DATA[:1], DATA[1:]]))  # an iterable of batches counts the same
    assert batches.get_vocabulary() == layer.get_vocabulary()


def test_a_mask_token_takes_index_0_in_int_mode_and_is_dropped_when_counting():
    layer = StringLookup(vocabulary=VOCAB, mask_token="")
    assert layer.get_vocabulary() == ["", "[UNK]", "a", "b", "c", "d"]
    np.testing.assert_array_equal(layer(np.array(["a", "", "z"])), [2, 0, 1])
    bag = StringLookup(vocabulary=VOCAB, mask_token="", output_mode="count")(np.array([["a", "", "", "d"]]))
    np.testing.assert_array_equal(bag, [[0, 1, 0, 0, 1]])


def test_several_oov_indices_keep_each_unknown_token_in_one_of_them():
    layer = StringLookup(vocabulary=VOCAB, num_oov_indices=2)
    unknown = np.array(["m", "z", "zebra", "q", "mm"])
    first = layer(unknown)
    assert set(first.tolist()) <= {0, 1}
    np.testing.assert_array_equal(layer(unknown[::-1]), first[::-1])  # the same in any batch
    np.testing.assert_array_equal(layer(np.array(["a", "d"])), [2, 5])


def test_integer_lookup_reproduces_keras_examples():
    vocab, data = [12, 36, 1138, 42], np.array([[12, 1138, 42], [42, 1000, 36]])
    np.testing.assert_array_equal(IntegerLookup(vocabulary=vocab)(data), [[1, 3, 4], [4, 0, 2]])
    layer = IntegerLookup()
    layer.adapt(data)
    assert layer.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    two = IntegerLookup(vocabulary=vocab, num_oov_indices=2)(np.array([[12, 1138, 42], [37, 1000, 36]]))
    np.testing.assert_array_equal(two, [[2, 4, 5], [1, 0, 3]])  # unknowns modulo 2, as Keras's "floormod"
    masked = IntegerLookup(vocabulary=vocab, mask_token=0)(np.array([[12, 0, 7]]))
    np.testing.assert_array_equal(masked, [[2, 0, 1]])


def test_tf_idf_adapt_learns_keras_inverse_document_frequencies():
    docs = np.array([["a", "b"], ["a", "a"], ["c", "a"]])
    layer = StringLookup(output_mode="tf_idf")
    layer.adapt(docs)
    assert layer.get_vocabulary() == ["[UNK]", "a", "c", "b"]
    idf = np.log(1 + 3 / (1 + np.array([3.0, 1.0, 1.0])))  # documents holding a, c, b
    np.testing.assert_allclose(layer.idf_weights, np.concatenate([[idf.mean()], idf]), rtol=1e-6)
    np.testing.assert_allclose(layer(np.array([["a", "a", "x", "b"]])), [[idf.mean(), 2 * idf[0], 0, idf[2]]],
                               rtol=1e-6)


@given(st.lists(st.text("abcdef", min_size=1, max_size=3), min_size=1, max_size=8, unique=True),
       st.lists(st.text("abcdef", max_size=3), min_size=1, max_size=12))
def test_lookup_matches_a_dictionary_reference(vocab, tokens):
    layer = StringLookup(vocabulary=vocab, mask_token="" if "" not in vocab else None)
    reference = {token: i + 2 for i, token in enumerate(vocab)}
    expected = [0 if t == "" else reference.get(t, 1) for t in tokens]
    np.testing.assert_array_equal(layer(np.array(tokens, dtype=object)), expected)


def test_config_holds_the_vocabulary_and_rebuilds_the_same_layer():
    layer = StringLookup(output_mode="tf_idf", max_tokens=5, pad_to_max_tokens=True, name="words")
    layer.adapt(BAGS)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["vocabulary"] == layer.get_vocabulary() and config["name"] == "words"
    assert "vocabulary_dtype" not in config and config["encoding"] == "utf-8"
    clone = StringLookup.from_config(config)
    np.testing.assert_array_equal(clone(BAGS), layer(BAGS))
    assert clone(BAGS).shape == (2, 5)


def test_vocabulary_from_a_text_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("\n".join(VOCAB) + "\n")
    np.testing.assert_array_equal(StringLookup(vocabulary=str(path))(DATA), [[1, 3, 4], [4, 0, 2]])


def test_bad_arguments_and_inputs_get_clear_errors():
    with pytest.raises(OpIndexError, match="num_oov_indices=0"):
        StringLookup(vocabulary=VOCAB, num_oov_indices=0)(DATA)
    with pytest.raises(ConfigError, match="repeats"):
        StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ConfigError, match="output_mode"):
        StringLookup(output_mode="bag")
    with pytest.raises(ConfigError, match="adapt"):
        StringLookup(output_mode="multi_hot")(DATA)
    with pytest.raises(ConfigError, match="max_tokens"):
        StringLookup(vocabulary=VOCAB, max_tokens=3)
    with pytest.raises(ConfigError, match="mask"):
        StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(DTypeError, match="strings"):
        StringLookup(vocabulary=VOCAB)(np.array([1.5, 2.0]))
    with pytest.raises(ConfigError, match="sparse"):
        StringLookup(sparse=True)
