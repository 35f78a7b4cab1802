"""What IMDB and Reuters share: word-index sequences shifted, filtered and capped as Keras does, computed on
one flat array (with the sequence lengths beside it) rather than word by word."""

import itertools

import numpy as np

from kcore.errors import ConfigError


class Sequences:
    """Ragged integer sequences as one flat array and their lengths."""

    def __init__(self, flat, lengths):
        self.flat, self.lengths = flat, lengths

    @classmethod
    def of(cls, sequences):
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
        non_empty = list(itertools.compress(sequences, lengths))
        flat = np.concatenate(non_empty).astype(np.int64, copy=False) if non_empty else np.zeros(0, np.int64)
        return cls(flat, lengths)

    def rows(self):
        """The row of each element of `flat`."""
        return np.repeat(np.arange(len(self.lengths)), self.lengths)

    def keep_rows(self, mask):
        return Sequences(self.flat[np.repeat(mask, self.lengths)], self.lengths[mask])

    def to_objects(self):
        """A 1-D object array of Python lists, as Keras returns."""
        out = np.empty(len(self.lengths), dtype=object)
        out[:] = [part.tolist() for part in np.split(self.flat, np.cumsum(self.lengths)[:-1])] \
            if len(self.lengths) else []
        return out


def prepare(parts, start_char, oov_char, index_from, skip_top, num_words, maxlen):
    """Keras's processing of imdb/reuters sequences, for each of `parts` [(Sequences, labels)]: shift word
    indices by `index_from`, put `start_char` first, drop sequences not shorter than `maxlen`, then replace
    (or, with oov_char=None, drop) words outside [skip_top, num_words). `num_words=None` means the largest
    index seen, which Keras's `w < num_words` then also maps to `oov_char`; kcore keeps that."""
    shifted = []
    for seqs, labels in parts:
        flat = seqs.flat + index_from if (start_char is not None or index_from) else seqs.flat
        lengths = seqs.lengths
        if start_char is not None:
            flat = np.insert(flat, np.cumsum(lengths) - lengths, start_char)
            lengths = lengths + 1
        seqs = Sequences(flat, lengths)
        if maxlen:
            keep = lengths < maxlen
            seqs, labels = seqs.keep_rows(keep), labels[keep]
            if not keep.any():
                raise ConfigError(f"After keeping the sequences shorter than maxlen={maxlen}, none is left. "
                                  f"Increase maxlen.")
        shifted.append((seqs, labels))
    if not num_words:
        num_words = max(int(s.flat.max()) for s, _ in shifted if s.flat.size)
    out = []
    for seqs, labels in shifted:
        inside = (seqs.flat >= skip_top) & (seqs.flat < num_words)
        if oov_char is not None:
            seqs = Sequences(np.where(inside, seqs.flat, oov_char), seqs.lengths)
        else:
            lengths = np.bincount(seqs.rows()[inside], minlength=len(seqs.lengths))
            seqs = Sequences(seqs.flat[inside], lengths)
        out.append((seqs, labels))
    return out
