"""BaseConvTranspose: what Conv1DTranspose, Conv2DTranspose and Conv3DTranspose share."""

from kcore_layers_core import checks

from kcore import ops
from kcore.errors import ConfigError
from kcore_layers_conv.layers.convolutional.conv_layer import ConvLayer
from kcore_layers_conv.ops import geometry


class BaseConvTranspose(ConvLayer):
    """`activation(conv_transpose(inputs, kernel) + bias)`, with a kernel `(*kernel_size, filters, channels)`
    (Keras's layout: output channels before input channels) and a bias `(filters,)`.

    Along each axis the output has `n * strides` positions with "same" and `(n - 1) * strides + max(kernel_size,
    strides)` with "valid"; `output_padding` (each smaller than its stride) picks among the input sizes that a
    strided convolution would map to `n`.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        components = {"kernel_initializer": kernel_initializer, "bias_initializer": bias_initializer,
                      "kernel_regularizer": kernel_regularizer, "bias_regularizer": bias_regularizer,
                      "activity_regularizer": activity_regularizer, "kernel_constraint": kernel_constraint,
                      "bias_constraint": bias_constraint}
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias, components,
                         **kwargs)
        where = checks.describe(self)
        self.filters = checks.positive_int(where, "filters", filters)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = geometry.spatial_tuple(output_padding, self.rank, "output_padding", where,
                                                         allow_zero=True)
            if any(p >= s for p, s in zip(self.output_padding, self.strides, strict=True)):
                raise ConfigError(f"{where}: each `output_padding` must be smaller than its stride. Received: "
                                  f"output_padding={output_padding!r}, strides={self.strides}")
        self.kernel = None

    def kernel_shapes(self, channels):
        return {"kernel": (*self.kernel_size, self.filters, channels)}

    def output_channels(self, channels):
        return self.filters

    def output_lengths(self, lengths):
        extras = self.output_padding or (None,) * self.rank
        return tuple(geometry.transpose_output_length(n, k, s, d, self.padding, extra) for n, k, s, d, extra in
                     zip(lengths, self.kernel_size, self.strides, self.dilation_rate, extras, strict=True))

    def convolution(self, inputs):
        return ops.conv_transpose(inputs, self.kernel, strides=self.strides, padding=self.padding,
                                  output_padding=self.output_padding, data_format=self.data_format,
                                  dilation_rate=self.dilation_rate)

    def get_config(self):
        window = self.window_config()
        return {**super().get_config(), "filters": self.filters, "kernel_size": window.pop("kernel_size"),
                "strides": window.pop("strides"), "padding": window.pop("padding"),
                "output_padding": self.output_padding, **window, **self.weights_config()}
