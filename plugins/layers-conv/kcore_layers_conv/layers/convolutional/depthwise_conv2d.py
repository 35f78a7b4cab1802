"""DepthwiseConv2D: each channel of images convolved on its own."""

from kcore_layers_conv.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv2D(BaseDepthwiseConv):
    """Depthwise 2D convolution: each input channel convolved with its own `depth_multiplier` filters; output
    channel `c * depth_multiplier + m` comes from input channel `c`.

    Args:
        kernel_size, strides, dilation_rate: ints, or tuples of 2 ints.
        padding: "valid" or "same".
        depth_multiplier: the number of filters per input channel.
        data_format: "channels_last" (batch, rows, cols, channels) or "channels_first"; default: the config's
            `image_data_format`.
        activation, use_bias: as in Conv2D.
        depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer, activity_regularizer,
            depthwise_constraint, bias_constraint: for the kernel `(*kernel_size, channels, depth_multiplier)`
            and the bias `(channels * depth_multiplier,)`.

    Example:
        >>> DepthwiseConv2D(3)(np.ones((2, 10, 10, 3), "float32")).shape
        (2, 8, 8, 3)
    """

    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(depth_multiplier, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         depthwise_initializer=depthwise_initializer, bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, depthwise_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
