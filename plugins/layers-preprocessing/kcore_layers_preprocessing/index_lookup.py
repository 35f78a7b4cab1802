"""What StringLookup and IntegerLookup share: a vocabulary, `adapt`, the lookup, and Keras's output modes.

The vocabulary is a sorted NumPy array of tokens beside the index of each, so a lookup is one `searchsorted`
over a whole batch. Index 0 is the mask token (when there is one and output_mode="int"), then come the
`num_oov_indices` out-of-vocabulary indices, then the tokens, most frequent first.
"""

import numbers

import numpy as np

from kcore import config, ops
from kcore.errors import ConfigError, OpIndexError
from kcore.layers import Layer
from kcore.layers.layer import _standardize_dtype
from kcore.layers.symbolic import KerasTensor
from kcore_layers_preprocessing import encoding
from kcore_layers_preprocessing import vocabulary as vocab  # `vocabulary` is the layers' argument

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(Layer):
    """Base class of the lookup layers (not registered itself). Subclasses set `vocabulary_dtype` and
    `_as_keys(inputs)`, which turns inputs into a NumPy array of that dtype."""

    vocabulary_dtype = None

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary=None, idf_weights=None,
                 invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False, vocabulary_size=None,
                 name=None, dtype=None, **kwargs):
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        where = type(self).__name__
        if output_mode not in OUTPUT_MODES:
            raise ConfigError(f"{where}: `output_mode` must be one of {OUTPUT_MODES}. Received: {output_mode!r}")
        if max_tokens is not None and (not isinstance(max_tokens, numbers.Integral) or max_tokens <= 1):
            raise ConfigError(f"{where}: `max_tokens` must be None or an int greater than 1 (it counts the mask "
                              f"and OOV indices). Received: max_tokens={max_tokens!r}")
        if pad_to_max_tokens and max_tokens is None:
            raise ConfigError(f"{where}: pad_to_max_tokens=True needs `max_tokens`. Received: max_tokens=None")
        if not isinstance(num_oov_indices, numbers.Integral) or num_oov_indices < 0:
            raise ConfigError(f"{where}: `num_oov_indices` must be an int >= 0. Received: {num_oov_indices!r}")
        if invert and output_mode != "int":
            raise ConfigError(f"{where}: invert=True needs output_mode='int'. Received: output_mode={output_mode!r}")
        if sparse:
            raise ConfigError(f"{where}: sparse=True is not supported (kcore has no sparse tensors); the output is "
                              f"a dense array.")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ConfigError(f"{where}: `idf_weights` is only for output_mode='tf_idf'. Received: "
                              f"output_mode={output_mode!r}")
        requested = _standardize_dtype(dtype)
        out_dtype = (self.vocabulary_dtype if invert else "int64") if output_mode == "int" else (
            requested if "float" in requested else config.floatx())
        super().__init__(name=name, dtype=out_dtype, autocast=False, **kwargs)
        self.max_tokens, self.num_oov_indices = max_tokens, int(num_oov_indices)
        self.mask_token, self.oov_token, self.invert = mask_token, oov_token, bool(invert)
        self.output_mode, self.pad_to_max_tokens, self.sparse = output_mode, bool(pad_to_max_tokens), False
        self._tokens, self.idf_weights = None, None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        elif output_mode == "tf_idf" and idf_weights is not None:
            raise ConfigError(f"{where}: `idf_weights` were given without a `vocabulary`.")

    # -- the vocabulary -----------------------------------------------------------------------------------

    def _oov_start(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self):
        return self._oov_start() + self.num_oov_indices

    def vocabulary_size(self):
        """The number of indices the layer outputs: mask, OOV indices and tokens."""
        return self._token_start() + (0 if self._tokens is None else len(self._tokens))

    def get_vocabulary(self, include_special_tokens=True):
        """The token of each index (mask and OOV tokens first, unless `include_special_tokens=False`)."""
        tokens = [] if self._tokens is None else self._tokens.tolist()
        special = [self.mask_token] * self._oov_start() + [self.oov_token] * self.num_oov_indices
        return special + tokens if include_special_tokens else tokens

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use `vocabulary` (tokens, most important first, or a text file with one per line), with the mask
        and OOV tokens at its start or not at all; with output_mode="tf_idf", one idf weight per entry."""
        where = f"{type(self).__name__} '{self.name}'"
        if isinstance(vocabulary, str):
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = f.read().splitlines()
        vocabulary_ = self._as_keys(vocabulary).reshape(-1)
        if (self.output_mode == "tf_idf") != (idf_weights is not None):
            raise ConfigError(f"{where}: `idf_weights` must be given with the vocabulary exactly when output_mode="
                              f"'tf_idf' (output_mode={self.output_mode!r}).")
        special = [self.mask_token] * self._oov_start() + [self.oov_token] * self.num_oov_indices
        reserved = {"mask": self.mask_token, "OOV": self.oov_token if self.invert else None}
        limit = None if self.max_tokens is None else self.max_tokens - self._token_start()
        tokens, had_special = vocab.checked_tokens(vocabulary_, special, reserved, limit, where)
        if idf_weights is not None:
            idf = np.asarray(idf_weights, dtype=self.dtype).reshape(-1)
            if len(idf) != len(vocabulary_):
                raise ConfigError(f"{where}: {len(idf)} idf_weights for {len(vocabulary_)} vocabulary entries.")
            self.idf_weights = idf if had_special else vocab.with_special_weights(idf, self._token_start())
        self._set_tokens(tokens)

    def _set_tokens(self, tokens):
        self._tokens = tokens
        order = np.argsort(tokens, kind="stable")
        self._sorted, self._sorted_index = tokens[order], order.astype(np.int64) + self._token_start()

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from `data` (an array, with one document per row, or an iterable of such
        batches): the tokens by frequency, at most `max_tokens` indices, and their idf for "tf_idf"."""
        counter = vocab.TokenCounter()
        batches = [data] if isinstance(data, (list, tuple, np.ndarray)) or hasattr(data, "shape") else data
        for step, batch in enumerate(batches):
            if steps is not None and step >= steps:
                break
            keys = self._as_keys(batch)
            keys = keys.reshape(-1, 1) if keys.ndim <= 1 else keys.reshape(-1, keys.shape[-1])
            counter.update(keys.reshape(-1), np.repeat(np.arange(len(keys)), keys.shape[1]), len(keys))
        self._learn(counter)

    def _learn(self, counter):
        limit = None if self.max_tokens is None else self.max_tokens - self._token_start()
        tokens, idf = vocab.learn(counter, np.str_ if self.vocabulary_dtype == "string" else np.int64,
                                       [self.mask_token, self.oov_token], limit, self.output_mode == "tf_idf")
        if idf is not None:
            self.idf_weights = vocab.with_special_weights(idf.astype(self.dtype), self._token_start())
        self._set_tokens(tokens)

    # -- calling ------------------------------------------------------------------------------------------

    def _lookup(self, keys):
        """The index of each key; OOV keys hashed into the OOV indices, the mask token 0 (or -1, dropped, in the
        modes that count tokens)."""
        flat = keys.reshape(-1)
        ids = np.full(flat.shape, -2, dtype=np.int64)
        if self._tokens is not None and len(self._tokens):
            position = np.minimum(np.searchsorted(self._sorted, flat), len(self._sorted) - 1)
            ids = np.where(self._sorted[position] == flat, self._sorted_index[position], -2)
        masked = flat == self.mask_token if self.mask_token is not None else np.zeros(flat.shape, bool)
        oov = (ids == -2) & ~masked
        if oov.any():
            if self.num_oov_indices == 0:
                raise OpIndexError(f"{type(self).__name__} '{self.name}': with num_oov_indices=0 every input must "
                                   f"be in the vocabulary; {np.unique(flat[oov]).tolist()[:5]} are not. Set "
                                   f"num_oov_indices=1 to map them to an OOV index.")
            ids[oov] = self._oov_start() + (0 if self.num_oov_indices == 1 else
                                            vocab.hash_buckets(flat[oov], self.num_oov_indices))
        ids[masked] = 0 if self.output_mode == "int" else -1
        return ids.reshape(keys.shape)

    def _depth(self, known=True):
        """The length of the vectors of the counting modes (None, or an error when `known`, if not set yet)."""
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._tokens is None and known:
            raise ConfigError(f"{type(self).__name__} '{self.name}': with output_mode={self.output_mode!r} the "
                              f"vocabulary must be set (pass `vocabulary` or call adapt()) before the layer is "
                              f"called, or pad_to_max_tokens=True.")
        return self.vocabulary_size() if self._tokens is not None else None

    def call(self, inputs):
        keys = self._as_keys(inputs)
        if self.invert:
            table = self._as_keys(self.get_vocabulary())
            ids = keys.astype(np.int64)
            inside = (ids >= 0) & (ids < len(table))
            return np.where(inside, table[np.clip(ids, 0, max(len(table) - 1, 0))], self.oov_token)
        ids = self._lookup(keys)
        if self.output_mode == "int":
            return ops.convert_to_tensor(ids)
        if self.output_mode == "one_hot":
            ids = ids[..., 0] if ids.ndim > 1 and ids.shape[-1] == 1 else ids
            return ops.convert_to_tensor(encoding.one_hot(ids, self._depth(), self.dtype))
        rows = ids.reshape(-1, ids.shape[-1] if ids.ndim else 1)
        out = encoding.bag(rows.reshape(-1), np.repeat(np.arange(len(rows)), rows.shape[1]), len(rows),
                           self._depth(), self.output_mode, self.idf_weights, self.dtype)
        return ops.convert_to_tensor(out.reshape(*ids.shape[:-1], -1))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self._depth(known=False)
        if self.output_mode == "one_hot" and not (len(input_shape) > 1 and input_shape[-1] == 1):
            return (*input_shape, depth)  # one vector per value (a trailing axis of 1 is replaced)
        return (*input_shape[:-1], depth)

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), self.dtype)

    def get_config(self):
        tokens = self._tokens is not None
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token, "mask_token": self.mask_token,
                "output_mode": self.output_mode, "sparse": False, "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": self.vocabulary_dtype,
                "idf_weights": self.idf_weights.tolist() if self.idf_weights is not None else None,
                "vocabulary": self.get_vocabulary() if tokens else None,
                "vocabulary_size": self.vocabulary_size() if tokens else None}
