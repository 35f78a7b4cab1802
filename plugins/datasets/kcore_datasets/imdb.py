"""IMDB movie-review sentiment: 25,000 training and 25,000 test reviews as word-index sequences, labelled 1
(positive) or 0 (negative). Words are indexed by frequency ("3" is the 3rd most frequent word once shifted
by `index_from`); 0 is padding, 1 the start mark, 2 out-of-vocabulary. https://ai.stanford.edu/~amaas/data/sentiment/

Example:
    >>> (x_train, y_train), (x_test, y_test) = kcore.datasets.imdb.load_data(num_words=10000)
    >>> x = kcore.utils.pad_sequences(x_train, maxlen=200)
"""

import json

import numpy as np

from kcore.errors import ConfigError
from kcore.utils.file_utils import get_file
from kcore_datasets.safe_pickle import load_npz
from kcore_datasets.word_sequences import Sequences, prepare

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb_word_index.json"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, **kwargs):
    """IMDB as `(x_train, y_train), (x_test, y_test)`: x a 1-D object array of lists of word indices, y int
    labels; each split shuffled with `seed`, as Keras does.

    Args (Keras's): num_words keeps the most frequent words (others become `oov_char`); skip_top drops the
    most frequent ones likewise; maxlen drops the sequences of `maxlen` words or more; start_char marks each
    start; index_from shifts every word index.
    """
    if kwargs:
        raise ConfigError(f"imdb.load_data: unknown keyword argument(s) {sorted(kwargs)} (Keras 1's `nb_words` is "
                          f"`num_words` now).")
    arrays = load_npz(get_file(fname=path, origin=ORIGIN, file_hash=FILE_HASH))
    rng = np.random.RandomState(seed)
    parts = []
    for x_key, y_key in (("x_train", "y_train"), ("x_test", "y_test")):
        order = np.arange(len(arrays[x_key]))
        rng.shuffle(order)
        parts.append((Sequences.of(arrays[x_key][order]), arrays[y_key][order]))
    (x_train, y_train), (x_test, y_test) = prepare(parts, start_char, oov_char, index_from, skip_top, num_words,
                                                   maxlen)
    return (x_train.to_objects(), y_train), (x_test.to_objects(), y_test)


def get_word_index(path="imdb_word_index.json"):
    """{word: index} of the IMDB data (before the `index_from` shift)."""
    with open(get_file(fname=path, origin=WORD_INDEX_ORIGIN, file_hash=WORD_INDEX_HASH), encoding="utf-8") as f:
        return json.load(f)
