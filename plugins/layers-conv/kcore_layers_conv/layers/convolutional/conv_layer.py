"""ConvLayer: what every convolution layer shares (window arguments, weights, bias, activation, shapes, config).

The families differ only in their kernels and their op: BaseConv (Conv1D/2D/3D), BaseConvTranspose,
BaseDepthwiseConv and BaseSeparableConv each say which kernels they create and how they convolve.
"""

from kcore_layers_core import checks
from kcore_layers_core.fused import bias_and_activation
from kcore_layers_core.serialization import activation as get_activation
from kcore_layers_core.serialization import resolve, serialize

from kcore.errors import ShapeError
from kcore.layers.layer import Layer
from kcore_layers_conv.layers import spatial
from kcore_layers_conv.ops import geometry


class ConvLayer(Layer):
    """`activation(convolution(inputs) + bias)` over `rank` spatial axes.

    Subclasses set `rank` and `kernels` (the prefixes of their kernels' initializer, regularizer and constraint
    arguments, e.g. ("kernel",) or ("depthwise", "pointwise")), and implement `kernel_shapes`,
    `output_channels` and `convolution`.
    """

    rank = None
    kernels = ("kernel",)
    allows_causal = False

    def __init__(self, kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
                 components, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.kernel_size = geometry.spatial_tuple(kernel_size, self.rank, "kernel_size", where)
        self.strides = geometry.spatial_tuple(strides, self.rank, "strides", where)
        self.dilation_rate = geometry.spatial_tuple(dilation_rate, self.rank, "dilation_rate", where)
        self.padding = geometry.padding_mode(padding, where, allow_causal=self.allows_causal)
        self.data_format = geometry.data_format(data_format, where)
        self.activation = get_activation(activation, f"{where}: `activation`")
        self.use_bias = bool(use_bias)
        for name, value in components.items():  # `<weight>_<role>`: role is initializer, regularizer or constraint
            setattr(self, name, resolve(name.rsplit("_", 1)[1], value, f"{where}: `{name}`"))
        self.bias = None
        self._channels = None
        self._accepted_shape = None  # the input shape of the last call, whose channels were checked
        self._bias_shape = None if self.data_format == "channels_last" else (-1, *(1,) * self.rank)

    # -- what a family defines ----------------------------------------------------------------------------

    def kernel_shapes(self, channels):
        """{attribute: shape} of the kernels for inputs of `channels` channels, in the order they are made."""
        raise NotImplementedError

    def output_channels(self, channels):
        """The number of output channels for `channels` input channels (None: unknown)."""
        raise NotImplementedError

    def convolution(self, inputs):
        raise NotImplementedError

    def weight_name(self, attribute):
        """The name of the weight held in `attribute` (Keras names a depthwise kernel "kernel")."""
        return attribute

    # -- the shared machinery -----------------------------------------------------------------------------

    def build(self, input_shape):
        channels = spatial.channels_of(self, input_shape, self.rank, self.data_format)
        self.compute_output_shape(input_shape)  # the window must fit: checked before any weight is made
        for (attribute, shape), kind in zip(self.kernel_shapes(channels).items(), self.kernels, strict=True):
            setattr(self, attribute, self.add_weight(
                shape=shape, name=self.weight_name(attribute), initializer=getattr(self, f"{kind}_initializer"),
                regularizer=getattr(self, f"{kind}_regularizer"), constraint=getattr(self, f"{kind}_constraint")))
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.output_channels(channels),), name="bias",
                                        initializer=self.bias_initializer, regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self._channels = channels

    def call(self, inputs):
        shape = inputs.shape
        if shape != self._accepted_shape:  # checked once per shape: a model sees the same few
            if spatial.channels_of(self, shape, self.rank, self.data_format) != self._channels:
                raise ShapeError(f"{checks.describe(self)} was built for inputs with {self._channels} channels; "
                                 f"received shape {tuple(shape)} ({self.data_format}).")
            self._accepted_shape = shape
        outputs = bias_and_activation(self.convolution(spatial.floating(inputs, self.dtype)), self.bias,
                                      self.activation, self._bias_shape)
        if self.activity_regularizer is not None:
            self.add_activity_loss(outputs)
        return outputs

    def output_lengths(self, lengths):
        return tuple(geometry.output_length(n, k, s, d, self.padding) for n, k, s, d in
                     zip(lengths, self.kernel_size, self.strides, self.dilation_rate, strict=True))

    def compute_output_shape(self, input_shape):
        spatial.check_rank(self, input_shape, self.rank, self.data_format)
        batch, lengths, channels = spatial.split(input_shape, self.data_format)
        out = self.output_lengths(lengths)
        if any(n is not None and n <= 0 for n in out):
            raise ShapeError(f"{checks.describe(self)}: a window of kernel_size={self.kernel_size} (dilation_rate="
                             f"{self.dilation_rate}) does not fit in inputs of shape {tuple(input_shape)} with "
                             f"padding={self.padding!r}. Use padding='same', a smaller kernel, or larger inputs.")
        return spatial.join(batch, out, self.output_channels(channels), self.data_format)

    def window_config(self):
        return {"kernel_size": self.kernel_size, "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate}

    def weights_config(self):
        """The activation, use_bias, and each weight's initializer, regularizer and constraint (Keras's keys)."""
        kinds = (*self.kernels, "bias")
        config = {"activation": serialize(self.activation, "activation"), "use_bias": self.use_bias}
        config.update({f"{k}_initializer": serialize(getattr(self, f"{k}_initializer"), "initializer")
                       for k in kinds})
        config.update({f"{k}_regularizer": serialize(getattr(self, f"{k}_regularizer"), "regularizer")
                       for k in (*kinds, "activity")})
        config.update({f"{k}_constraint": serialize(getattr(self, f"{k}_constraint"), "constraint") for k in kinds})
        return config
