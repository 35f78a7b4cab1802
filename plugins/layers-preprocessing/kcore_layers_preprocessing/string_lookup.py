"""StringLookup: strings to integer indices through a vocabulary (and back with invert=True)."""

import numpy as np

from kcore.errors import ConfigError
from kcore_layers_preprocessing.index_lookup import IndexLookup
from kcore_layers_preprocessing.text import as_strings


class StringLookup(IndexLookup):
    """Map strings to indices: 0 for `mask_token` (if set), then `num_oov_indices` indices for tokens outside
    the vocabulary, then the vocabulary, given or learned by `adapt` (most frequent first). `output_mode`
    "one_hot", "multi_hot", "count" and "tf_idf" give vectors instead. Works on NumPy string arrays on the
    host; the vocabulary is part of `get_config`, so it is saved with the model.

    Example:
        >>> layer = StringLookup(vocabulary=["a", "b", "c"])
        >>> layer(np.array([["a", "c"], ["d", "b"]]))
        array([[1, 3],
               [0, 2]])
        >>> layer.get_vocabulary()
        ['[UNK]', 'a', 'b', 'c']
    """

    vocabulary_dtype = "string"

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, **kwargs):
        kwargs.pop("vocabulary_dtype", None)  # always strings; older configs carry it
        for argument, token in (("mask_token", mask_token), ("oov_token", oov_token)):
            if token is not None and not isinstance(token, str):
                raise ConfigError(f"StringLookup: `{argument}` must be a string or None. Received: {token!r}")
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, name=name,
                         **kwargs)

    def _as_keys(self, inputs):
        if self.invert and not isinstance(inputs, (list, tuple)) and np.asarray(inputs).dtype.kind in "iu":
            return np.asarray(inputs)
        inputs = np.asarray(inputs) if isinstance(inputs, (list, tuple)) else inputs
        if getattr(inputs, "size", 1) == 0:
            return np.asarray(inputs, dtype=str)
        return as_strings(inputs, self.encoding, f"StringLookup '{self.name}'")

    def get_config(self):
        config = {**super().get_config(), "encoding": self.encoding}
        del config["vocabulary_dtype"]
        return config
