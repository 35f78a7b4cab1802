"""MultiHeadAttention: scaled dot-product attention with several heads (Vaswani et al., 2017)."""

import math

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.layers.activations.softmax import Softmax
from kcore_layers_core.layers.attention import equations
from kcore_layers_core.layers.core.einsum_dense import EinsumDense
from kcore_layers_core.layers.regularization.dropout import Dropout
from kcore_layers_core.serialization import resolve, serialize

_SUBLAYER_ARGUMENTS = ("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                       "activity_regularizer", "kernel_constraint", "bias_constraint")


class MultiHeadAttention(Layer):
    """Projects query, key and value into `num_heads` heads (EinsumDense sub-layers "query", "key", "value"),
    attends with `softmax(q k^T / sqrt(key_dim))` in each head, and projects the joined heads back
    ("attention_output") to the query's last size, or to `output_shape`. Kernel shapes, weight order and config
    are Keras 3's, so weights saved by Keras load here.

    Call arguments: `query` (B, T, dim), `value` (B, S, dim), `key` (defaults to value); boolean masks
    `query_mask` (B, T), `value_mask` / `key_mask` (B, S), `attention_mask` (B, T, S), all ANDed (as the
    causal mask with `use_causal_mask=True`); `return_attention_scores` adds the (B, heads, T, S) weights.
    In a model, masks of the inputs (e.g. from `Embedding(mask_zero=True)`) arrive as `mask`, a list whose first
    two entries are the query's and the value's masks. `value` may be left out when `query` is the list
    `[query, value]` or `[query, value, key]`.

    Example:
        >>> mha = MultiHeadAttention(num_heads=2, key_dim=4)
        >>> out, scores = mha(np.ones((3, 5, 8), "float32"), np.ones((3, 6, 8), "float32"),
        ...                   return_attention_scores=True)
        >>> out.shape, scores.shape
        ((3, 5, 8), (3, 2, 5, 6))
    """

    supports_masking = True

    def __init__(self, num_heads, key_dim=None, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.num_heads = checks.positive_int(where, "num_heads", num_heads)
        if key_dim is None:
            raise ConfigError(f"{where}: `key_dim`, the size of each attention head for query and key, is required, "
                              f"e.g. MultiHeadAttention(num_heads={num_heads!r}, key_dim=64). Received: key_dim=None")
        self.key_dim = checks.positive_int(where, "key_dim", key_dim)
        self.value_dim = self.key_dim if value_dim is None else checks.positive_int(where, "value_dim", value_dim)
        self.dropout = checks.number(where, "dropout", dropout, low=0, high=1, high_inclusive=False)
        self.use_bias, self.use_gate = bool(use_bias), bool(use_gate)
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        if output_shape is not None and (not isinstance(output_shape, (list, tuple)) or not output_shape):
            raise ConfigError(f"{where}: `output_shape` must be an int, a tuple of ints or None. Received: "
                              f"output_shape={output_shape!r}")
        self.output_shape = tuple(output_shape) if output_shape else None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        if attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ConfigError(f"{where}: `attention_axes` must be an int, a list or a tuple of axes, or None. "
                              f"Received: attention_axes={attention_axes!r}")
        self.attention_axes = tuple(attention_axes) if attention_axes is not None else None
        self.sliding_window = None if sliding_window is None else checks.positive_int(where, "sliding_window",
                                                                                      sliding_window)
        if flash_attention:
            raise ConfigError(f"{where}: kcore has no flash attention kernel. Received: flash_attention="
                              f"{flash_attention!r}; leave it None.")
        self.seed = checks.seed(where, seed)
        for name, value in zip(_SUBLAYER_ARGUMENTS, (kernel_initializer, bias_initializer, kernel_regularizer,
                                                     bias_regularizer, activity_regularizer, kernel_constraint,
                                                     bias_constraint), strict=True):
            setattr(self, name, resolve(name.rpartition("_")[2], value, f"{where}: `{name}`"))
        # set now, in Keras's order, so that `weights` lists query, key, (gate,) value, output as Keras does
        self.query_dense = self.key_dense = self._gate_dense = self.value_dense = self.output_dense = None
        self._shapes = None

    def _dense(self, name, equation, bias_axes, output_shape, activation=None):
        common = {argument: getattr(self, argument) for argument in _SUBLAYER_ARGUMENTS}
        for argument in ("kernel_initializer", "bias_initializer"):  # a fresh copy each: a seeded one repeats
            init = common[argument]
            common[argument] = type(init).from_config(init.get_config()) if hasattr(init, "get_config") else init
        return EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes if self.use_bias else None,
                           activation=activation, name=name, dtype=self.dtype, **common)

    def _projection(self, name, input_shape, size, activation=None):
        """An EinsumDense from (batch, ..., dim) to (batch, ..., num_heads, size), built for `input_shape`."""
        equation, bias, rank = equations.projection(len(input_shape) - 1, 1, 2)
        dense = self._dense(name, equation, bias, [None] * (rank - 3) + [self.num_heads, size], activation)
        dense._build_once(input_shape)
        return dense

    def build(self, query_shape, value_shape=None, key_shape=None):
        if isinstance(query_shape, list) and query_shape and isinstance(query_shape[0], (list, tuple)):
            query_shape, value_shape, key_shape = [*query_shape, None][:3]
        if value_shape is None:
            return  # called as layer(query, value): built in `call`, where the value's shape is known
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ShapeError(f"{checks.describe(self)}: `value` and `key` must have the same shape except the last "
                             f"axis. Received: value shape {value_shape}, key shape {key_shape}.")
        self._shapes = {"query_shape": list(query_shape), "value_shape": list(value_shape)}
        if key_shape != value_shape:
            self._shapes["key_shape"] = list(key_shape)
        self.query_dense = self._projection("query", query_shape, self.key_dim)
        self.key_dense = self._projection("key", key_shape, self.key_dim)
        if self.use_gate:
            self._gate_dense = self._projection("gate", query_shape, self.value_dim, "sigmoid")
        self.value_dense = self._projection("value", value_shape, self.value_dim)
        out = list(self.output_shape or [query_shape[-1]])
        equation, bias, out_rank = equations.projection(len(query_shape) - 1, 2, len(out))
        self.output_dense = self._dense("attention_output", equation, bias, [None] * (out_rank - 1 - len(out)) + out)
        self.output_dense._build_once((*query_shape[:-1], self.num_heads, self.value_dim))
        rank = len(query_shape) + 1
        axes = self.attention_axes or tuple(range(1, rank - 2))
        self._axes = tuple(a if a >= 0 else rank - 1 + a for a in axes)
        self._scores_equation, self._combine_equation, scores_rank = equations.attention(rank, self._axes)
        self._softmax = Softmax(axis=list(range(scores_rank - len(self._axes), scores_rank)), dtype=self.dtype)
        self._dropout_layer = Dropout(rate=self.dropout, seed=self.seed, dtype=self.dtype)

    def call(self, query, value=None, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False, mask=None):
        if value is None:
            if not isinstance(query, (list, tuple)) or len(query) not in (2, 3):
                raise ShapeError(f"{checks.describe(self)} needs `value`: call it as layer(query, value) or "
                                 f"layer([query, value]). Received only a query.")
            query, value, key = [*query, None][:3]
        query, value = self._float(query), self._float(value)
        key = value if key is None else self._float(key)
        if self.query_dense is None:
            self.build(query.shape, value.shape, key.shape)
        attention_mask = equations.call_mask(query_mask, value_mask, key_mask, mask, attention_mask, use_causal_mask,
                                             query.shape[1], value.shape[1], self.sliding_window)
        gate = self._gate_dense(query) if self._gate_dense is not None else None
        q = ops.multiply(self.query_dense(query), 1.0 / math.sqrt(self.key_dim))
        scores = ops.einsum(self._scores_equation, self.key_dense(key), q)
        if attention_mask is not None:
            while len(attention_mask.shape) < len(scores.shape):  # broadcast over the heads axis (and batch)
                attention_mask = ops.expand_dims(attention_mask, -2 * len(self._axes) - 1)
        if attention_mask is not None and self.dropout == 0 and not return_attention_scores and len(q.shape) == 4:
            # Keras's fused path (ops.dot_product_attention): a query with no key to attend to gets uniform
            # weights rather than zeros; followed so that outputs at fully masked positions match Keras's too
            scores = ops.softmax(ops.where(attention_mask, scores, -1e9), axis=-1)
        else:
            scores = self._softmax(scores, mask=attention_mask)
        weights = self._dropout_layer(scores, training=training) if self.dropout > 0 else scores
        output = ops.einsum(self._combine_equation, weights, self.value_dense(value))
        output = self.output_dense(output if gate is None else ops.multiply(output, gate))
        return (output, scores) if return_attention_scores else output

    def _float(self, x):
        return x if getattr(x.dtype, "name", str(x.dtype)) == self.dtype else ops.cast(x, self.dtype)

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask

    def get_build_config(self):
        return {"shapes_dict": self._shapes} if self._shapes is not None else None

    def build_from_config(self, build_config):
        shapes = (build_config or {}).get("shapes_dict")
        if shapes and self.query_dense is None:
            self.build(*(shapes.get(k) for k in ("query_shape", "value_shape", "key_shape")))
            self.built = True

    def get_config(self):
        config = {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                  "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                  "use_gate": self.use_gate, "output_shape": self.output_shape,
                  "attention_axes": self.attention_axes, "sliding_window": self.sliding_window, "seed": self.seed}
        for name in _SUBLAYER_ARGUMENTS:
            config[name] = serialize(getattr(self, name), name.rpartition("_")[2])
        return config
