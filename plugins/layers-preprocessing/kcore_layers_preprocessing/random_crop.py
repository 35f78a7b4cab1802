"""RandomCrop: a random height x width window of the images while training."""

from kcore import backend, ops
from kcore_layers_preprocessing import resize
from kcore_layers_preprocessing.image_layer import ImageLayer, describe, positive_int, seed_generator
from kcore_layers_preprocessing.resizing import aspect_crop


class RandomCrop(ImageLayer):
    """While training, crops a (height, width) window at a random place (one place for the whole batch, as
    Keras). At inference, and in training for images not larger than the window on both sides, crops the
    largest centred window of the target aspect ratio and resizes it (bilinear) to (height, width): the
    output has that size either way.

    Example:
        >>> layer = RandomCrop(2, 2, seed=0)
        >>> layer(np.zeros((8, 5, 5, 3), "float32"), training=True).shape
        (8, 2, 2, 3)
    """

    random_layer = False  # at inference it still crops (centred)

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = positive_int(describe(self), "height", height), positive_int(describe(self),
                                                                                              "width", width)
        self.seed = seed
        self.seed_generator = seed_generator(describe(self), seed)

    def call(self, inputs, training=True):
        self._training = training
        return super().call(inputs, training)

    def transform(self, images):
        h, w = images.shape[1:3]
        if self._training and h > self.height and w > self.width:
            starts = self.uniform((2,), 0.0, 1.0) * backend.get().xp.asarray([h - self.height + 1,
                                                                               w - self.width + 1])
            top, left = (int(v) for v in backend.to_numpy(starts))
            return ops.get_item(images, (slice(None), slice(top, top + self.height),
                                         slice(left, left + self.width)))
        cropped = aspect_crop(images, self.height, self.width)
        if tuple(cropped.shape[1:3]) == (self.height, self.width):
            return cropped
        return resize.resize(cropped, self.height, self.width)

    def compute_output_shape(self, input_shape):
        return self.sized_shape(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width, "seed": self.seed}
