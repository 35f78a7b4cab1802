"""CenterCrop: the central height x width window of each image."""

from kcore import ops
from kcore_layers_preprocessing import resize
from kcore_layers_preprocessing.image_layer import ImageLayer, describe, positive_int
from kcore_layers_preprocessing.resizing import aspect_crop


class CenterCrop(ImageLayer):
    """Crops the central (height, width) window of each image, in training and at inference. An image smaller
    than the window along either side is instead cropped to the target aspect ratio and resized (bilinear) to
    (height, width), as Keras does, so the output always has that size.

    Example:
        >>> CenterCrop(2, 2)(np.arange(16, dtype="float32").reshape(4, 4, 1))[..., 0]
        array([[ 5.,  6.],
               [ 9., 10.]], dtype=float32)
    """

    random_layer = False

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = positive_int(describe(self), "height", height), positive_int(describe(self),
                                                                                              "width", width)

    def transform(self, images):
        h, w = images.shape[1:3]
        if h >= self.height and w >= self.width:
            top, left = (h - self.height) // 2, (w - self.width) // 2
            return ops.get_item(images, (slice(None), slice(top, top + self.height),
                                         slice(left, left + self.width)))
        return resize.resize(aspect_crop(images, self.height, self.width), self.height, self.width)

    def compute_output_shape(self, input_shape):
        return self.sized_shape(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
