"""CategoryEncoding: integer tokens in [0, num_tokens) to one-hot, multi-hot or count vectors."""

import numbers

import numpy as np

from kcore import ops
from kcore.errors import ConfigError, DTypeError, OpIndexError, ShapeError
from kcore.layers import Layer
from kcore.layers.symbolic import KerasTensor
from kcore_layers_preprocessing import encoding
from kcore_layers_preprocessing.image_layer import describe

OUTPUT_MODES = ("multi_hot", "one_hot", "count")


def integer_tokens(layer, inputs):
    """`inputs` (an array, a tensor or nested lists) as a NumPy int64 array; floats must hold whole numbers."""
    tokens = np.asarray(inputs if isinstance(inputs, (list, tuple, numbers.Number)) else ops.convert_to_numpy(inputs))
    whole = tokens.dtype.kind in "iub" or (tokens.dtype.kind == "f" and np.all(tokens == np.round(tokens)))
    if not whole:
        raise DTypeError(f"{describe(layer)} takes integer tokens; received an array of dtype {tokens.dtype} "
                         f"(with values that are not whole numbers). Map the values to integers first, e.g. "
                         f"with IntegerLookup or Discretization.")
    return tokens.astype(np.int64)


class CategoryEncoding(Layer):
    """Encodes integer tokens, each in `[0, num_tokens)`, as vectors of length `num_tokens` (float32 by default):

    - "multi_hot" (default): one vector per sample (the last axis of a rank-2 input, or all of a rank-1
      input), 1 where a token occurs;
    - "count": as "multi_hot", with how often each token occurs, or the sum of its `count_weights` (a call
      argument of the inputs' shape);
    - "one_hot": one vector per token; a trailing axis of size 1 is replaced, any other gets a new axis.

    Inputs have rank 1 or 2 (a scalar counts as one token). A token outside `[0, num_tokens)` is an error.
    For tokens whose number is not known in advance, use IntegerLookup.

    Example:
        >>> layer = CategoryEncoding(num_tokens=4, output_mode="multi_hot")
        >>> layer(np.array([[0, 1], [0, 0], [1, 2], [3, 1]]))
        array([[1., 1., 0., 0.],
               [1., 0., 0., 0.],
               [0., 1., 1., 0.],
               [0., 1., 0., 1.]], dtype=float32)
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(autocast=False, **kwargs)
        where = describe(self)
        output_mode = "multi_hot" if output_mode == "binary" else output_mode  # Keras's deprecated name
        if output_mode not in OUTPUT_MODES:
            raise ConfigError(f"{where}: `output_mode` must be one of {OUTPUT_MODES}. Received: "
                              f"output_mode={output_mode!r}")
        if num_tokens is None:
            raise ConfigError(f"{where}: `num_tokens` must be set. If the number of tokens is not known "
                              f"beforehand, use IntegerLookup instead.")
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, numbers.Integral) or num_tokens < 1:
            raise ConfigError(f"{where}: `num_tokens` must be an int >= 1. Received: num_tokens={num_tokens!r}")
        if sparse:
            raise ConfigError(f"{where}: sparse=True is not supported (kcore has no sparse tensors); the output is "
                              f"a dense array. Pass sparse=False.")
        self.num_tokens, self.output_mode, self.sparse = int(num_tokens), output_mode, False

    def _checked_rank(self, shape):
        if len(shape) > 2:
            raise ShapeError(f"{describe(self)} takes inputs of rank 1 (one sample) or 2 (batch, tokens); received "
                             f"shape {tuple(shape)}. Reshape them to (batch, tokens) first.")

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ConfigError(f"{describe(self)}: `count_weights` are only used with output_mode='count'. "
                              f"Received output_mode={self.output_mode!r}; leave count_weights out.")
        tokens = integer_tokens(self, inputs)
        self._checked_rank(tokens.shape)
        outside = (tokens < 0) | (tokens >= self.num_tokens)
        if outside.any():
            raise OpIndexError(f"{describe(self)}: every token must lie in [0, num_tokens={self.num_tokens}); "
                               f"received {np.unique(tokens[outside]).tolist()[:5]}. Raise `num_tokens`, or map "
                               f"the values first (IntegerLookup maps any integer to an index).")
        if count_weights is None:
            return ops.convert_to_tensor(encoding.categorical(tokens, self.output_mode, self.num_tokens, self.dtype))
        weights = count_weights if ops.is_tensor(count_weights) else ops.convert_to_tensor(count_weights)
        if tuple(weights.shape) != tokens.shape:
            raise ShapeError(f"{describe(self)}: `count_weights` must have the inputs' shape {tokens.shape}; "
                             f"received shape {tuple(weights.shape)}.")
        if weights.dtype != self.dtype:
            weights = ops.cast(weights, self.dtype)
        tokens = tokens.reshape(1) if tokens.ndim == 0 else tokens
        hot = ops.convert_to_tensor(encoding.one_hot(tokens, self.num_tokens, self.dtype))
        weighted = ops.multiply(hot, ops.reshape(weights, (*tokens.shape, 1)))
        return ops.sum(weighted, axis=1 if tokens.ndim > 1 else 0)

    def compute_output_shape(self, input_shape):
        self._checked_rank(input_shape)
        return encoding.categorical_shape(input_shape, self.output_mode, self.num_tokens)

    def compute_output_spec(self, inputs, count_weights=None):
        return KerasTensor(self.compute_output_shape(inputs.shape), self.dtype)

    def get_config(self):
        # Keras 3.15 writes no "sparse" key (3.16 adds it); the constructor takes it either way.
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}
