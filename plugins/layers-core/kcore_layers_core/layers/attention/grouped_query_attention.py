"""GroupedQueryAttention: attention whose query heads share fewer key and value heads (Ainslie et al., 2023)."""

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


class GroupedQueryAttention(Layer):
    """Projects the query into `num_query_heads` heads and the key and value into `num_key_value_heads` heads of
    size `head_dim` (EinsumDense sub-layers "query", "key", "value"), repeats each key and value head for its
    group of `num_query_heads // num_key_value_heads` query heads, attends with `softmax(q k^T / sqrt(head_dim))`,
    and projects the joined heads back to the query's last size ("attention_output"). One key/value head is
    multi-query attention; as many as query heads is multi-head attention. Registered as `GroupQueryAttention`
    (Keras's public name) and `GroupedQueryAttention` (its class name, which Keras writes in saved configs);
    kernel shapes, weight order, sub-layer names and config are Keras 3's, so weights saved by Keras load here.

    Call arguments: `query` (B, T, dim), `value` (B, S, dim), `key` (defaults to value); boolean masks
    `query_mask` (B, T), `value_mask` / `key_mask` (B, S), `attention_mask` (B, T, S), all ANDed (as the causal
    mask with `use_causal_mask=True` and the band of `sliding_window`); `return_attention_scores` adds the
    (B, num_query_heads, T, S) weights. Masks a model propagates arrive as `mask`, as in MultiHeadAttention.

    Example:
        >>> gqa = GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
        >>> out, scores = gqa(np.ones((3, 5, 8), "float32"), np.ones((3, 6, 8), "float32"),
        ...                   return_attention_scores=True)
        >>> out.shape, scores.shape
        ((3, 5, 8), (3, 4, 5, 6))
    """

    supports_masking = True

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.head_dim = checks.positive_int(where, "head_dim", head_dim)
        self.num_query_heads = checks.positive_int(where, "num_query_heads", num_query_heads)
        self.num_key_value_heads = checks.positive_int(where, "num_key_value_heads", num_key_value_heads)
        if self.num_query_heads % self.num_key_value_heads:
            raise ConfigError(f"{where}: `num_query_heads` must be divisible by `num_key_value_heads` (each key/value "
                              f"head serves a group of query heads). Received: num_query_heads={num_query_heads}, "
                              f"num_key_value_heads={num_key_value_heads}")
        self.num_repeats = self.num_query_heads // self.num_key_value_heads
        self.dropout = checks.number(where, "dropout", dropout, low=0, high=1, high_inclusive=False)
        self.use_bias, self.use_gate = bool(use_bias), bool(use_gate)
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
        self._query_dense = self._key_dense = self._gate_dense = self._value_dense = self._output_dense = None
        self._shapes = None

    def _dense(self, name, equation, output_shape, bias_axes, input_shape, activation=None):
        common = {argument: getattr(self, argument) for argument in _SUBLAYER_ARGUMENTS}
        for argument in ("kernel_initializer", "bias_initializer"):  # a fresh copy each: a seeded one repeats
            init = common[argument]
            common[argument] = type(init).from_config(init.get_config()) if hasattr(init, "get_config") else init
        dense = EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes if self.use_bias else None,
                            activation=activation, name=name, dtype=self.dtype, **common)
        dense._build_once(input_shape)
        return dense

    def build(self, query_shape, value_shape=None, key_shape=None):
        if isinstance(query_shape, list) and query_shape and isinstance(query_shape[0], (list, tuple)):
            query_shape, value_shape, key_shape = [*query_shape, None][:3]
        if value_shape is None:
            return  # called as layer(query, value): built in `call`, where the value's shape is known
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        where = checks.describe(self)
        for name, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            checks.rank(f"{where}: `{name}`", shape, 3, "(batch, sequence, features)")
        if value_shape[1] != key_shape[1]:
            raise ShapeError(f"{where}: `value` and `key` must have the same sequence length. Received: value shape "
                             f"{value_shape}, key shape {key_shape}.")
        self._shapes = {"query_shape": list(query_shape), "value_shape": list(value_shape)}
        if key_shape != value_shape:
            self._shapes["key_shape"] = list(key_shape)
        heads, kv_heads, size = self.num_query_heads, self.num_key_value_heads, self.head_dim
        self._query_dense = self._dense("query", "bqm,muh->bquh", (None, heads, size), "uh", query_shape)
        self._key_dense = self._dense("key", "bkm,mvh->bkvh", (None, kv_heads, size), "vh", key_shape)
        if self.use_gate:
            self._gate_dense = self._dense("gate", "bqm,muh->bquh", (None, heads, size), "uh", query_shape, "sigmoid")
        self._value_dense = self._dense("value", "bkm,mvh->bkvh", (None, kv_heads, size), "vh", value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype)
        self._dropout_layer = Dropout(rate=self.dropout, seed=self.seed, dtype=self.dtype)
        self._output_dense = self._dense("attention_output", "bquh,uhm->bqm", (None, query_shape[-1]), "m",
                                         (None, None, heads, size))

    def call(self, query, value=None, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False, mask=None):
        if value is None:
            if not isinstance(query, (list, tuple)) or len(query) not in (2, 3):
                raise ShapeError(f"{checks.describe(self)} needs `value`: call it as layer(query, value) or "
                                 f"layer([query, value]). Received only a query.")
            query, value, key = [*query, None][:3]
        query, value = self._float(query), self._float(value)
        key = value if key is None else self._float(key)
        if self._query_dense is None:
            self.build(query.shape, value.shape, key.shape)
        attention_mask = equations.call_mask(query_mask, value_mask, key_mask, mask, attention_mask, use_causal_mask,
                                             query.shape[1], value.shape[1], self.sliding_window)
        gate = self._gate_dense(query) if self._gate_dense is not None else None
        q = ops.multiply(self._query_dense(query), 1.0 / math.sqrt(self.head_dim))
        k = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)  # (B, S, num_query_heads, head_dim)
        v = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        scores = ops.einsum("bquh,bkuh->buqk", q, k)
        if attention_mask is not None:
            while len(attention_mask.shape) < 4:  # broadcast over the heads axis (and batch)
                attention_mask = ops.expand_dims(attention_mask, -3)
        if attention_mask is not None and self.dropout == 0 and not return_attention_scores:
            # Keras's fused path (ops.dot_product_attention), as in MultiHeadAttention
            scores = ops.softmax(ops.where(attention_mask, scores, -1e9), axis=-1)
        else:
            scores = self._softmax(scores, mask=attention_mask)
        weights = self._dropout_layer(scores, training=training) if self.dropout > 0 else scores
        output = ops.einsum("buqk,bkuh->bquh", weights, v)
        output = self._output_dense(output if gate is None else ops.multiply(output, gate))
        return (output, scores) if return_attention_scores else output

    def _float(self, x):
        return x if getattr(x.dtype, "name", str(x.dtype)) == self.dtype else ops.cast(x, self.dtype)

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask

    def get_build_config(self):
        return {"shapes_dict": self._shapes} if self._shapes is not None else None

    def build_from_config(self, build_config):
        shapes = (build_config or {}).get("shapes_dict")
        if shapes and self._query_dense is None:
            self.build(*(shapes.get(k) for k in ("query_shape", "value_shape", "key_shape")))
            self.built = True

    def get_config(self):
        config = {**super().get_config(), "head_dim": self.head_dim, "num_query_heads": self.num_query_heads,
                  "num_key_value_heads": self.num_key_value_heads, "use_bias": self.use_bias,
                  "use_gate": self.use_gate, "sliding_window": self.sliding_window, "dropout": self.dropout,
                  "seed": self.seed}
        for name in _SUBLAYER_ARGUMENTS:
            config[name] = serialize(getattr(self, name), name.rpartition("_")[2])
        return config
