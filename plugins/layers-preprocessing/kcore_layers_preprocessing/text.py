"""Text on the host: NumPy string arrays standardized, split into tokens and joined into n-grams.

Rows of tokens have different lengths, so they travel as a `Ragged`: every token of every row in one flat
array, and each row's length. Every step works on whole arrays (NumPy's string functions, searches and
gathers); none walks the rows in Python.
"""

import itertools
import string

import numpy as np

from kcore.errors import DTypeError

_PUNCTUATION = str.maketrans("", "", string.punctuation)  # what Keras's regex [!"#$%&()*+,-./:;<=>?@[\]^_`{|}~'] strips


class Ragged:
    """Rows of different lengths: `values` (all rows, one after another) and `lengths` (one per row)."""

    __slots__ = ("values", "lengths")

    def __init__(self, values, lengths):
        self.values, self.lengths = values, np.asarray(lengths, dtype=np.int64)

    @property
    def rows(self):
        """The row of each value."""
        return np.repeat(np.arange(len(self.lengths)), self.lengths)

    @property
    def columns(self):
        """The position of each value within its row."""
        return np.arange(len(self.values)) - np.repeat(np.cumsum(self.lengths) - self.lengths, self.lengths)

    def to_dense(self, values, length=None, fill=0):
        """`values` (one per token, e.g. their indices) as a `(rows, length)` array: each row's first `length`
        values, then `fill`. `length=None` pads to the longest row."""
        length = int(self.lengths.max(initial=0)) if length is None else length
        out = np.full((len(self.lengths), length), fill, dtype=values.dtype)
        columns = self.columns
        keep = columns < length
        out[self.rows[keep], columns[keep]] = values[keep]
        return out


def as_strings(x, encoding="utf-8", where="layer"):
    """`x` as a NumPy unicode array (bytes decoded with `encoding`)."""
    x = np.asarray(x)
    if x.dtype.kind == "O" and x.size and isinstance(x.flat[0], bytes):
        x = x.astype("S")
    if x.dtype.kind == "S":
        return np.char.decode(x, encoding)
    if x.dtype.kind == "O":
        return x.astype(str)
    if x.dtype.kind != "U":
        raise DTypeError(f"{where} takes strings; received an array of dtype {x.dtype}. Pass text (str or bytes), "
                         f"e.g. np.array(['ATGC', 'GGCA']).")
    return x


def standardize(x, mode):
    """Keras's standardizations: "lower", "strip_punctuation", "lower_and_strip_punctuation", None, or a
    function of a string array."""
    if callable(mode):
        return as_strings(mode(x))
    if mode in ("lower", "lower_and_strip_punctuation"):
        x = np.char.lower(x)
    if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
        x = np.char.translate(x, _PUNCTUATION)
    return x


def split(x, mode):
    """The tokens of each string of the 1-D array `x`: "whitespace" (runs of whitespace separate tokens),
    "character" (each Unicode character), None (the whole string), or a function returning lists of tokens."""
    if mode is None:
        return Ragged(x, np.ones(len(x), np.int64))
    if mode == "character":
        width = max(x.dtype.itemsize // 4, 1)
        codes = np.ascontiguousarray(x, dtype=f"<U{width}").view(np.uint32).reshape(len(x), width)
        lengths = np.char.str_len(x).astype(np.int64)
        return Ragged(np.ascontiguousarray(codes[np.arange(width) < lengths[:, None]]).view("<U1"), lengths)
    rows = np.char.split(x) if mode == "whitespace" else mode(x)
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    values = list(itertools.chain.from_iterable(rows))
    return Ragged(np.array(values, dtype=str) if values else np.zeros(0, "<U1"), lengths)


def ngrams(tokens, widths, separator=" "):
    """The n-grams of each row for each width in `widths` (tokens joined by `separator`), a row's n-grams of
    the first width before those of the next, as tf.strings.ngrams orders them."""
    rows, columns, lengths = tokens.rows, tokens.columns, tokens.lengths
    grams, gram_rows, gram_order, gram_columns = [], [], [], []
    for order, width in enumerate(widths):
        start = np.flatnonzero(columns + width <= lengths[rows])
        gram = tokens.values[start]
        for k in range(1, width):
            gram = np.char.add(np.char.add(gram, separator), tokens.values[start + k])
        grams.append(gram)
        gram_rows.append(rows[start])
        gram_order.append(np.full(len(start), order))
        gram_columns.append(columns[start])
    gram_rows = np.concatenate(gram_rows)
    order = np.lexsort((np.concatenate(gram_columns), np.concatenate(gram_order), gram_rows))
    values = np.concatenate(grams) if grams else np.zeros(0, "<U1")
    return Ragged(values[order], np.bincount(gram_rows, minlength=len(lengths)))
