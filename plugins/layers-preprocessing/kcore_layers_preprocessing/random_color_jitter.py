"""RandomColorJitter: random brightness, contrast, saturation and hue, one after the other, while training."""

from kcore.errors import ConfigError
from kcore_layers_preprocessing.image_layer import ImageLayer, check_value_range, describe, keras_value, seed_generator
from kcore_layers_preprocessing.random_brightness import RandomBrightness
from kcore_layers_preprocessing.random_contrast import RandomContrast
from kcore_layers_preprocessing.random_hue import RandomHue
from kcore_layers_preprocessing.random_saturation import RandomSaturation

# the steps in Keras's order: (argument, layer)
STEPS = (("brightness_factor", RandomBrightness), ("contrast_factor", RandomContrast),
         ("saturation_factor", RandomSaturation), ("hue_factor", RandomHue))


class RandomColorJitter(ImageLayer):
    """While training, applies RandomBrightness(`brightness_factor`), RandomContrast(`contrast_factor`),
    RandomSaturation(`saturation_factor`) and RandomHue(`hue_factor`) in that order, each with `value_range` and
    its own factor's meaning; a factor left None skips its step. The steps draw from this layer's seed
    generator. At inference, returns the images.

    Example:
        >>> layer = RandomColorJitter(value_range=(0, 1), brightness_factor=(0.5, 0.5))  # only brightness: +0.5
        >>> layer(np.array([[[0.2, 0.4, 0.6]]], "float32"), training=True)
        array([[[0.7, 0.9, 1. ]]], dtype=float32)
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)
        factors = {"brightness_factor": brightness_factor, "contrast_factor": contrast_factor,
                   "saturation_factor": saturation_factor, "hue_factor": hue_factor}
        self.steps = []
        for name, cls in STEPS:
            factor = keras_value(factors[name])
            if factor is not None:
                try:
                    step = cls(factor, value_range=self.value_range, dtype=self.dtype)
                except ConfigError as error:
                    raise ConfigError(f"{where}: `{name}` is passed to {cls.__name__} as its `factor`, which "
                                      f"refused it: {error}") from None
                step.seed_generator = self.seed_generator  # one stream of draws, as Keras's jitter has
                self.steps.append(step)
                factor = list(step.factor)
            setattr(self, name, factor)

    def transform(self, images):
        for step in self.steps:
            images = step.transform(images)
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": list(self.value_range),
                **{name: getattr(self, name) for name, _ in STEPS}, "seed": self.seed}
