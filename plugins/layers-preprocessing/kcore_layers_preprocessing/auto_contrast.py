"""AutoContrast: stretch each channel of each image over the whole value range."""

from kcore import ops
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe


class AutoContrast(ImageLayer):
    """Maps each channel of each image linearly so that its smallest pixel becomes `low` and its largest
    `high`, (low, high) = `value_range`, then clips to the range; a channel whose pixels are all equal (or NaN)
    is returned as it is. Not random: it works at training and at inference alike.

    Example:
        >>> layer = AutoContrast(value_range=(0, 255))
        >>> layer(np.array([[[10.0], [20.0], [30.0]]], "float32"))[..., 0]
        array([[  0. , 127.5, 255. ]], dtype=float32)
    """

    random_layer = False

    def __init__(self, value_range=(0, 255), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range(describe(self), value_range)

    def transform(self, images):
        low, high = self.value_range
        smallest = ops.min(images, axis=(1, 2), keepdims=True)
        spread = ops.subtract(ops.max(images, axis=(1, 2), keepdims=True), smallest)
        stretchable = ops.greater(spread, 0.0)  # False for constant and NaN channels
        scale = ops.divide(high - low, ops.where(stretchable, spread, 1.0))
        stretched = ops.clip(ops.add(ops.multiply(ops.subtract(images, smallest), scale), low), low, high)
        return ops.where(stretchable, stretched, images)

    def get_config(self):
        return {**super().get_config(), "value_range": list(self.value_range)}
