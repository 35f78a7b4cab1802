"""Reuters newswire topics: 11,228 newswires as word-index sequences, labelled over 46 topics (split 80/20 by
default). Indexed like IMDB: 0 padding, 1 start, 2 out-of-vocabulary, words from `index_from`.

Example:
    >>> (x_train, y_train), (x_test, y_test) = kcore.datasets.reuters.load_data(num_words=10000)
"""

import json

import numpy as np

from kcore.errors import ConfigError
from kcore.utils.file_utils import get_file
from kcore_datasets.safe_pickle import load_npz
from kcore_datasets.word_sequences import Sequences, prepare

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/reuters.npz"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/reuters_word_index.json"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
    "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog",
    "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
              oov_char=2, index_from=3):
    """Reuters as `(x_train, y_train), (x_test, y_test)`: x a 1-D object array of lists of word indices, y int
    topic labels; shuffled with `seed`, the last `test_split` of them for testing. Other arguments as
    `imdb.load_data`."""
    if not 0 <= test_split < 1:
        raise ConfigError(f"reuters.load_data: `test_split` must be in [0, 1). Received: test_split={test_split}")
    arrays = load_npz(get_file(fname=path, origin=ORIGIN, file_hash=FILE_HASH))
    order = np.arange(len(arrays["x"]))
    np.random.RandomState(seed).shuffle(order)
    [(xs, labels)] = prepare([(Sequences.of(arrays["x"][order]), arrays["y"][order])], start_char, oov_char,
                             index_from, skip_top, num_words, maxlen)
    cut = int(len(labels) * (1 - test_split))
    train, test = xs.keep_rows(np.arange(len(labels)) < cut), xs.keep_rows(np.arange(len(labels)) >= cut)
    return (train.to_objects(), np.array(labels[:cut])), (test.to_objects(), np.array(labels[cut:]))


def get_word_index(path="reuters_word_index.json"):
    """{word: index} of the Reuters data (before the `index_from` shift)."""
    with open(get_file(fname=path, origin=WORD_INDEX_ORIGIN, file_hash=WORD_INDEX_HASH), encoding="utf-8") as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, in label order."""
    return LABEL_NAMES
