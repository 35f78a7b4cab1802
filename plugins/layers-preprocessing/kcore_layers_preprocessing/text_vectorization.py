"""TextVectorization: strings to padded sequences of token indices (or to bags of tokens)."""

import numbers

import numpy as np

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers import Layer
from kcore.layers.symbolic import KerasTensor
from kcore_layers_preprocessing import encoding, text, vocabulary
from kcore_layers_preprocessing.string_lookup import StringLookup

STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT = ("whitespace", "character")


class TextVectorization(Layer):
    """Standardize each string (lowercase, strip punctuation), split it into tokens (words, or characters with
    `split="character"`), optionally add n-grams, and map the tokens to indices through a vocabulary given or
    learned with `adapt`: 0 pads, 1 is out-of-vocabulary, then the tokens by frequency. `output_mode="int"`
    gives `(batch, output_sequence_length)` indices (cut or padded with 0 at the end); "multi_hot", "count" and
    "tf_idf" give one vector per string. Inputs: strings of shape `(batch,)` or `(batch, 1)`, as NumPy arrays
    on the host. The vocabulary is part of `get_config`, so it is saved with the model.

    Example:
        >>> layer = TextVectorization(split="character", output_sequence_length=6)
        >>> layer.adapt(["ATGCCGATGA", "GGCATT"])
        >>> layer.get_vocabulary()
        ['', '[UNK]', 'g', 't', 'a', 'c']
        >>> layer(np.array(["ATGC", "CATTAGN"]))
        array([[4, 3, 2, 5, 0, 0],
               [5, 4, 3, 3, 4, 2]])
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None, dtype=None, **kwargs):
        kwargs.pop("vocabulary_size", None)  # in Keras's configs; the vocabulary itself gives it
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if not (standardize is None or standardize in STANDARDIZE or callable(standardize)):
            raise ConfigError(f"TextVectorization: `standardize` must be one of {STANDARDIZE}, None or a function. "
                              f"Received: standardize={standardize!r}")
        if not (split is None or split in SPLIT or callable(split)):
            raise ConfigError(f"TextVectorization: `split` must be one of {SPLIT}, None or a function. "
                              f"Received: split={split!r}")
        widths = (ngrams,) if isinstance(ngrams, numbers.Integral) else ngrams
        if ngrams is not None and not (isinstance(widths, (tuple, list)) and widths and all(
                isinstance(n, numbers.Integral) and n >= 1 for n in widths)):
            raise ConfigError(f"TextVectorization: `ngrams` must be None, a positive int or a tuple of them. "
                              f"Received: ngrams={ngrams!r}")
        if output_sequence_length is not None and (output_mode != "int" or not isinstance(
                output_sequence_length, numbers.Integral) or output_sequence_length <= 0):
            raise ConfigError(f"TextVectorization: `output_sequence_length` must be None or a positive int, and is "
                              f"only for output_mode='int'. Received: output_sequence_length="
                              f"{output_sequence_length!r}, output_mode={output_mode!r}")
        if ragged:
            raise ConfigError("TextVectorization: ragged=True needs TensorFlow's RaggedTensor (Keras allows it only "
                              "on that backend); kcore returns dense arrays padded with 0.")
        if output_mode == "one_hot" and split is not None:
            raise ConfigError("TextVectorization: output_mode='one_hot' encodes one token per string, so it needs "
                              "split=None; use 'multi_hot' or 'count' for a bag of tokens.")
        self._lookup = StringLookup(max_tokens=max_tokens, mask_token="", vocabulary=vocabulary,
                                    idf_weights=idf_weights, output_mode=output_mode, sparse=sparse,
                                    pad_to_max_tokens=pad_to_max_tokens, encoding=encoding, dtype=dtype,
                                    name=f"{name or 'text_vectorization'}_lookup")
        super().__init__(name=name, dtype=self._lookup.dtype, autocast=False, **kwargs)
        self.standardize, self.split, self.ngrams = standardize, split, ngrams
        self._widths = tuple(range(1, ngrams + 1)) if isinstance(ngrams, numbers.Integral) else (
            tuple(widths) if widths else None)
        self.output_mode, self.output_sequence_length, self.encoding = output_mode, output_sequence_length, encoding

    def _tokens(self, inputs):
        strings = text.as_strings(inputs, self.encoding, f"TextVectorization '{self.name}'")
        if strings.ndim == 2 and strings.shape[1] == 1:
            strings = strings[:, 0]
        elif strings.ndim == 0:
            strings = strings.reshape(1)
        elif strings.ndim != 1:
            raise ShapeError(f"TextVectorization '{self.name}' takes strings of shape (batch,) or (batch, 1); "
                             f"received shape {strings.shape}.")
        tokens = text.split(text.standardize(strings, self.standardize), self.split)
        return text.ngrams(tokens, self._widths) if self._widths else tokens

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary (and idf weights for "tf_idf") from strings: an array, or an iterable of
        batches. Tokens are ranked by frequency; at most `max_tokens` indices are kept."""
        counter = vocabulary.TokenCounter()
        batches = [data] if isinstance(data, (list, tuple, np.ndarray)) or hasattr(data, "shape") else data
        for step, batch in enumerate(batches):
            if steps is not None and step >= steps:
                break
            tokens = self._tokens(batch)
            counter.update(tokens.values, tokens.rows, len(tokens.lengths))
        self._lookup._learn(counter)

    def call(self, inputs):
        tokens = self._tokens(inputs)
        ids = self._lookup._lookup(tokens.values)
        if self.output_mode == "int":
            return ops.convert_to_tensor(tokens.to_dense(ids, self.output_sequence_length, 0))
        depth = self._lookup._depth()
        if self.output_mode == "one_hot":
            return ops.convert_to_tensor(encoding.one_hot(ids, depth, self.dtype))
        return ops.convert_to_tensor(encoding.bag(ids, tokens.rows, len(tokens.lengths), depth, self.output_mode,
                                                  self._lookup.idf_weights, self.dtype))

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return (input_shape[0], self.output_sequence_length)
        return (input_shape[0], self._lookup._depth(known=False))

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), self.dtype)

    def get_vocabulary(self, include_special_tokens=True):
        """The token of each index: '' (padding) and '[UNK]' first, unless `include_special_tokens=False`."""
        return self._lookup.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self._lookup.set_vocabulary(vocabulary, idf_weights)

    def get_config(self):
        for argument in ("standardize", "split"):
            if callable(getattr(self, argument)):
                raise ConfigError(f"TextVectorization '{self.name}': a function given as `{argument}` cannot go into "
                                  f"a config (kcore never saves code). Use one of the built-in values, or apply the "
                                  f"function to the data before the layer.")
        lookup = self._lookup.get_config()
        return {**super().get_config(), "max_tokens": lookup["max_tokens"], "standardize": self.standardize,
                "split": self.split, "ngrams": self.ngrams, "output_mode": self.output_mode,
                "output_sequence_length": self.output_sequence_length,
                "pad_to_max_tokens": lookup["pad_to_max_tokens"], "sparse": False, "ragged": False,
                "vocabulary": lookup["vocabulary"], "idf_weights": lookup["idf_weights"], "encoding": self.encoding,
                "vocabulary_size": lookup["vocabulary_size"]}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)
