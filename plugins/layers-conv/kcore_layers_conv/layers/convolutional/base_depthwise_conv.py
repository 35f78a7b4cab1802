"""BaseDepthwiseConv: what DepthwiseConv1D and DepthwiseConv2D share."""

from kcore_layers_core import checks

from kcore import ops
from kcore_layers_conv.layers.convolutional.conv_layer import ConvLayer


class BaseDepthwiseConv(ConvLayer):
    """`activation(depthwise_conv(inputs, kernel) + bias)`: each input channel convolved on its own with
    `depth_multiplier` filters. The kernel is `(*kernel_size, channels, depth_multiplier)` (a weight named
    "kernel", set with the `depthwise_*` arguments) and the bias `(channels * depth_multiplier,)`."""

    kernels = ("depthwise",)

    def __init__(self, depth_multiplier, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation=None, use_bias=True, depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        components = {"depthwise_initializer": depthwise_initializer, "bias_initializer": bias_initializer,
                      "depthwise_regularizer": depthwise_regularizer, "bias_regularizer": bias_regularizer,
                      "activity_regularizer": activity_regularizer, "depthwise_constraint": depthwise_constraint,
                      "bias_constraint": bias_constraint}
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias, components,
                         **kwargs)
        self.depth_multiplier = checks.positive_int(checks.describe(self), "depth_multiplier", depth_multiplier)
        self.kernel = None

    def kernel_shapes(self, channels):
        return {"kernel": (*self.kernel_size, channels, self.depth_multiplier)}

    def output_channels(self, channels):
        return None if channels is None else channels * self.depth_multiplier

    def convolution(self, inputs):
        return ops.depthwise_conv(inputs, self.kernel, strides=self.strides, padding=self.padding,
                                  data_format=self.data_format, dilation_rate=self.dilation_rate)

    def get_config(self):
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier, **self.window_config(),
                **self.weights_config()}
