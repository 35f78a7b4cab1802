"""GlobalAveragePooling1D: the mean over all positions of sequences, per channel."""

from kcore import ops
from kcore_layers_conv.layers import spatial
from kcore_layers_conv.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """The mean over every spatial position of sequences, per channel: `(batch, channels)`.

    With a mask (e.g. from `Embedding(mask_zero=True)`), the mean is over the unmasked steps only.

    Args:
        data_format: "channels_last" or "channels_first"; default: the config's `image_data_format`.
        keepdims: keep the spatial axes, each of length 1.

    Example:
        >>> GlobalAveragePooling1D()(np.ones((2, 10, 3), "float32")).shape
        (2, 3)
    """

    rank = 1
    pool_mode = "average"
    supports_masking = True

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        inputs = spatial.floating(inputs, self.dtype)
        steps = 1 if self.data_format == "channels_last" else 2
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), 2 if self.data_format == "channels_last" else 1)
        total = ops.sum(ops.multiply(inputs, weights), axis=steps, keepdims=self.keepdims)
        return ops.divide(total, ops.sum(weights, axis=steps, keepdims=self.keepdims))

    def compute_mask(self, inputs, previous_mask=None):
        return None
