"""IntegerLookup: integer values (ids, codes, years...) to contiguous indices through a vocabulary."""

import numpy as np

from kcore import ops
from kcore.errors import ConfigError, DTypeError
from kcore_layers_preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Map integers to indices: 0 for `mask_token` (if set), then `num_oov_indices` indices for values outside
    the vocabulary (several are shared by value modulo their number), then the vocabulary, given or learned by
    `adapt` (most frequent first). Output modes and saving as StringLookup.

    Example:
        >>> layer = IntegerLookup(vocabulary=[12, 36, 1138])
        >>> layer(np.array([[12, 1138], [42, 36]]))
        array([[1, 3],
               [0, 2]])
    """

    vocabulary_dtype = "int64"

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, name=None, **kwargs):
        if vocabulary_dtype not in ("int64", "int32"):
            raise ConfigError(f"IntegerLookup: `vocabulary_dtype` must be 'int64' or 'int32'. "
                              f"Received: {vocabulary_dtype!r}")
        for argument, token in (("mask_token", mask_token), ("oov_token", oov_token)):
            if token is not None and (isinstance(token, bool) or not isinstance(token, (int, np.integer))):
                raise ConfigError(f"IntegerLookup: `{argument}` must be an int or None. Received: {token!r}")
        if max_tokens is not None and max_tokens <= 1:
            raise ConfigError(f"IntegerLookup: `max_tokens` must be None or greater than 1. Received: {max_tokens}")
        self.vocabulary_dtype = vocabulary_dtype
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, name=name,
                         **kwargs)

    def _as_keys(self, inputs):
        keys = np.asarray(ops.convert_to_numpy(inputs) if not isinstance(inputs, (list, tuple)) else inputs)
        whole = keys.dtype.kind in "iu" or (keys.dtype.kind == "f" and np.all(keys == np.round(keys)))
        if keys.size and not whole:
            raise DTypeError(f"IntegerLookup '{self.name}' takes integers; received an array of dtype {keys.dtype}.")
        return keys.astype(np.int64)
