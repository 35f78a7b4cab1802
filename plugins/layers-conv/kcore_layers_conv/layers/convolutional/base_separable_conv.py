"""BaseSeparableConv: what SeparableConv1D and SeparableConv2D share."""

from kcore_layers_core import checks

from kcore import ops
from kcore_layers_conv.layers.convolutional.conv_layer import ConvLayer


class BaseSeparableConv(ConvLayer):
    """`activation(separable_conv(inputs, depthwise_kernel, pointwise_kernel) + bias)`: a depthwise convolution
    (`(*kernel_size, channels, depth_multiplier)`) then a pointwise one (`(1, ..., 1, channels *
    depth_multiplier, filters)`) that mixes the channels; the bias is `(filters,)`."""

    kernels = ("depthwise", "pointwise")

    def __init__(self, depth_multiplier, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        components = {"depthwise_initializer": depthwise_initializer, "pointwise_initializer": pointwise_initializer,
                      "bias_initializer": bias_initializer, "depthwise_regularizer": depthwise_regularizer,
                      "pointwise_regularizer": pointwise_regularizer, "bias_regularizer": bias_regularizer,
                      "activity_regularizer": activity_regularizer, "depthwise_constraint": depthwise_constraint,
                      "pointwise_constraint": pointwise_constraint, "bias_constraint": bias_constraint}
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias, components,
                         **kwargs)
        where = checks.describe(self)
        self.depth_multiplier = checks.positive_int(where, "depth_multiplier", depth_multiplier)
        self.filters = checks.positive_int(where, "filters", filters)
        self.depthwise_kernel = self.pointwise_kernel = None

    def kernel_shapes(self, channels):
        return {"depthwise_kernel": (*self.kernel_size, channels, self.depth_multiplier),
                "pointwise_kernel": (*(1,) * self.rank, channels * self.depth_multiplier, self.filters)}

    def output_channels(self, channels):
        return self.filters

    def convolution(self, inputs):
        return ops.separable_conv(inputs, self.depthwise_kernel, self.pointwise_kernel, strides=self.strides,
                                  padding=self.padding, data_format=self.data_format,
                                  dilation_rate=self.dilation_rate)

    def get_config(self):
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier, "filters": self.filters,
                **self.window_config(), **self.weights_config()}
