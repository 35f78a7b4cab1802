"""AdditiveAttention: Bahdanau-style attention."""

from kcore import ops
from kcore_layers_core.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Attention whose scores are `sum(scale * tanh(query + key))` over the features, for every pair of a query
    position and a key position; `scale` is a learned vector of the feature size (`use_scale=True`, the default)
    or 1. Inputs, masks and call arguments as `Attention`.

    Example:
        >>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
        >>> AdditiveAttention()([q, v]).shape
        (2, 3, 4)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)  # not an argument of this layer; tolerated in configs
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._check(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(shape=(input_shape[0][-1],), initializer="glorot_uniform", name="scale")

    def _scores(self, query, key):
        pairs = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))  # (B, Tq, Tv, dim)
        return ops.sum(pairs if self.scale is None else ops.multiply(self.scale, pairs), axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
