"""SeparableConv2D: a depthwise then a pointwise convolution over images."""

from kcore_layers_conv.layers.convolutional.base_separable_conv import BaseSeparableConv


class SeparableConv2D(BaseSeparableConv):
    """Separable 2D convolution: each channel filtered on its own (`depth_multiplier` filters each), then
    the channels mixed by a 1x1 convolution into `filters` outputs. Far fewer weights than Conv2D.

    Args:
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: ints, or tuples of 2 ints.
        padding: "valid" or "same".
        data_format: "channels_last" (batch, rows, cols, channels) or "channels_first"; default: the config's
            `image_data_format`.
        depth_multiplier: the number of depthwise filters per input channel.
        activation, use_bias: as in Conv2D.
        depthwise_*, pointwise_*, bias_* initializer, regularizer and constraint; activity_regularizer.

    Example:
        >>> SeparableConv2D(6, 3)(np.ones((2, 10, 10, 3), "float32")).shape
        (2, 8, 8, 6)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1),
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(depth_multiplier, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer, pointwise_regularizer=pointwise_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint, pointwise_constraint=pointwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
