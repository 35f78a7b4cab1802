"""What the image preprocessing layers share: argument checks, data_format, a single image or a batch, the cast
to the layer's float dtype, their seed generator, and reading the values Keras writes into a config."""

import numbers

from kcore import config, ops, random
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")


def describe(layer):
    """How a message names a layer: `RandomFlip 'random_flip_2'`."""
    return f"{type(layer).__name__} '{layer.name}'"


def keras_value(value):
    """A config value as Keras writes it, made plain: `{"class_name": "__tuple__", ...}` becomes a tuple and
    `"__numpy__"` a list (kcore writes plain lists and numbers; Keras may write either)."""
    if isinstance(value, dict) and value.get("class_name") in ("__tuple__", "__numpy__"):
        inner = value.get("config", {}).get("value")
        return tuple(inner) if value["class_name"] == "__tuple__" else inner
    return value


def number(where, name, value, low=None, high=None, low_inclusive=True):
    """`value` as a float, checked to lie in [low, high] (or (low, high] when not `low_inclusive`)."""
    span = f" in {'[' if low_inclusive else '('}{low}, {high}]" if low is not None else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != value:
        raise ConfigError(f"{where}: `{name}` must be a number{span}. Received: {name}={value!r}")
    if low is not None and (value > high or value < low or (value == low and not low_inclusive)):
        raise ConfigError(f"{where}: `{name}` must be a number{span}. Received: {name}={value!r}. Pass a value "
                          f"inside that range (a fraction of the image, not pixels or degrees).")
    return float(value)


def factor_range(where, name, factor, low=-1.0, high=1.0, low_inclusive=True):
    """A Keras factor as (lower, upper): a number f means (-|f|, |f|), a pair means itself, sorted; every number
    checked to lie in the allowed range."""
    factor = keras_value(factor)
    if isinstance(factor, (list, tuple)):
        if len(factor) != 2:
            raise ConfigError(f"{where}: `{name}` must be a number or a pair (lower, upper). Received: "
                              f"{name}={factor!r}")
        lower, upper = sorted(number(where, name, f, low, high, low_inclusive) for f in factor)
        return lower, upper
    f = abs(number(where, name, factor, low, high, low_inclusive))
    return -f, f


def seed_generator(where, seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise ConfigError(f"{where}: `seed` must be an int or None. Received: seed={seed!r}")
    # Unseeded, SeedGenerator starts from Python's `random`, which kcore.utils.set_random_seed seeds.
    return random.SeedGenerator(None if seed is None else int(seed))


def choice(where, name, value, allowed):
    if value not in allowed:
        raise ConfigError(f"{where}: `{name}` must be one of {allowed}. Received: {name}={value!r}")
    return value


class ImageLayer(Layer):
    """Base of the image layers: takes a batch (N, H, W, C) or one image (H, W, C) (channels first with
    `data_format="channels_first"`), casts it to the layer's float dtype, hands `transform` a channels-last
    batch when `training` (or always, for layers that are not random), and gives back the input's layout."""

    random_layer = True  # identity at inference

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        data_format = config.image_data_format() if data_format is None else data_format
        self.data_format = choice(describe(self), "data_format", data_format, ("channels_last", "channels_first"))

    def image_size(self, shape):
        """(height, width) of an input of `shape` (rank 3 or 4), checking the rank."""
        if len(shape) not in (3, 4):
            layout = "(height, width, channels)" if self.data_format == "channels_last" else \
                "(channels, height, width)"
            raise ShapeError(f"{describe(self)} expects a batch of images (rank 4) or one image {layout} (rank 3); "
                             f"received shape {tuple(shape)}. Add the missing axis, e.g. x[..., None] for a "
                             f"grayscale image.")
        return (shape[-2], shape[-1]) if self.data_format == "channels_first" else (shape[-3], shape[-2])

    def call(self, inputs, training=True):
        self.image_size(inputs.shape)
        if inputs.dtype.kind != "f" or inputs.dtype != self.dtype:
            inputs = ops.cast(inputs, self.dtype)
        if self.random_layer and not training:
            return inputs
        single = inputs.ndim == 3
        images = ops.expand_dims(inputs, 0) if single else inputs
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 2, 3, 1))
        images = self.transform(images)
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 3, 1, 2))
        return ops.squeeze(images, 0) if single else images

    def transform(self, images):
        """The layer's work on a channels-last batch (N, H, W, C) of the layer's dtype."""
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        self.image_size(input_shape)
        return tuple(input_shape)

    def sized_shape(self, input_shape, height, width):
        """`input_shape` with its height and width replaced."""
        self.image_size(input_shape)
        shape = list(input_shape)
        axes = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        shape[axes[0]], shape[axes[1]] = height, width
        return tuple(shape)

    def uniform(self, shape, low, high):
        """Random numbers in [low, high) of the layer's dtype, from its seed generator."""
        return random.uniform(shape, low, high, dtype=self.dtype, seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def positive_int(where, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ConfigError(f"{where}: `{name}` must be a positive int (pixels). Received: {name}={value!r}")
    return int(value)


def check_value_range(where, value):
    """A (low, high) pair of numbers, sorted (Keras's `value_range`)."""
    value = keras_value(value)
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ConfigError(f"{where}: `value_range` must be a pair (low, high), e.g. (0, 255) or (0, 1). "
                          f"Received: value_range={value!r}")
    low, high = sorted(number(where, "value_range", v) for v in value)
    return low, high
