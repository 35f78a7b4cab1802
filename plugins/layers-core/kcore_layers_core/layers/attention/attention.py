"""Attention: dot-product (Luong-style) attention over a query and a value sequence."""

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.layers.attention import equations
from kcore_layers_core.seeding import seed_generator


class Attention(Layer):
    """`softmax(scores(query, key)) @ value` for `inputs = [query (B, Tq, dim), value (B, Tv, dim)]`, or with a
    key: `[query, value, key]`. Scores are `query @ key^T` (times a learned scalar with `use_scale=True`), or
    with `score_mode="concat"`, `w * sum(tanh(scale * (q + k)))` over the features.

    `mask = [query_mask (B, Tq), value_mask (B, Tv)]` (as a model passes them): value positions that are False get
    no weight, query positions that are False give zero outputs. `use_causal_mask=True` keeps position t from
    attending to positions after t; `return_attention_scores=True` adds the (B, Tq, Tv) weights; `dropout`
    drops weights while training.

    Example:
        >>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
        >>> out, weights = Attention()([q, v], return_attention_scores=True)
        >>> out.shape, weights.shape
        ((2, 3, 4), (2, 3, 5))
    """

    supports_masking = True

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.use_scale = bool(use_scale)
        if score_mode not in ("dot", "concat"):
            raise ConfigError(f"{where}: `score_mode` must be 'dot' or 'concat'. Received: score_mode={score_mode!r}")
        self.score_mode = score_mode
        self.dropout = checks.number(where, "dropout", dropout, low=0, high=1)
        self.seed = checks.seed(where, seed)
        self.seed_generator = seed_generator(self.seed) if self.dropout > 0 else None
        self.scale = self.concat_score_weight = None

    def _check(self, shapes, mask=None):
        where = checks.describe(self)
        if not isinstance(shapes, (list, tuple)) or len(shapes) not in (2, 3) or not all(
                isinstance(s, (list, tuple)) for s in shapes):
            raise ShapeError(f"{where} must be called on a list [query, value] or [query, value, key]; received "
                             f"{type(shapes).__name__} {shapes!r}.")
        query, value = shapes[0], shapes[1]
        key = shapes[2] if len(shapes) > 2 else value
        if query[-1] is not None and key[-1] is not None and query[-1] != key[-1]:
            raise ShapeError(f"{where} compares each query with each key along their last axis, so their sizes must "
                             f"match; received query shape {tuple(query)} and {'key' if len(shapes) > 2 else 'value'} "
                             f"shape {tuple(key)}. Project one of them first, e.g. with Dense({key[-1]}).")
        if value[-2] is not None and key[-2] is not None and value[-2] != key[-2]:
            raise ShapeError(f"{where}: `value` and `key` must have the same number of positions; received value "
                             f"shape {tuple(value)} and key shape {tuple(key)}.")
        if mask is not None and (not isinstance(mask, (list, tuple)) or len(mask) not in (2, 3)):
            raise ShapeError(f"{where}: `mask` must be a list [query_mask, value_mask]; received {type(mask)}.")

    def build(self, input_shape):
        self._check(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(shape=(), initializer="ones", name="concat_score_weight")

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            return scores if self.scale is None else ops.multiply(scores, self.scale)
        pairs = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))  # (B, Tq, Tv, dim)
        if self.scale is not None:
            pairs = ops.multiply(self.scale, pairs)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(pairs), axis=-1))

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._check([tuple(x.shape) for x in inputs] if isinstance(inputs, (list, tuple)) else inputs, mask)
        query, value = (checks.floating(x, self.dtype) for x in inputs[:2])
        key = checks.floating(inputs[2], self.dtype) if len(inputs) > 2 else value
        query_mask, value_mask = (mask[0], mask[1]) if mask is not None else (None, None)
        scores = self._scores(query, key)
        keep = equations.combine(None if value_mask is None else ops.expand_dims(value_mask, -2),
                                 equations.causal(scores.shape[-2], scores.shape[-1]) if use_causal_mask else None)
        if keep is not None:  # masked scores minus a large number: Keras's way (a fully masked row stays uniform)
            scores = ops.where(keep, scores, ops.subtract(scores, 65504.0 if scores.dtype.itemsize == 2 else 1e9))
        weights = ops.softmax(scores, axis=-1)
        dropped = weights
        if training and self.dropout > 0:
            from kcore import random

            dropped = random.dropout(weights, self.dropout, seed=self.seed_generator)
        outputs = ops.matmul(dropped, value)
        if query_mask is not None:
            outputs = ops.where(ops.expand_dims(ops.cast(query_mask, "bool"), -1), outputs, 0.0)
        return (outputs, weights) if return_attention_scores else outputs

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None or previous_mask[0] is None:
            return None
        return previous_mask[0]

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}
