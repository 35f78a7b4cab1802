"""Conv2D: the 2D convolution layer."""

from kcore_layers_conv.layers.convolutional.base_conv import BaseConv


class Conv2D(BaseConv):
    """2D convolution: `activation(conv(inputs, kernel) + bias)` over images.

    Args:
        filters: the number of output channels.
        kernel_size: the window's size, an int or a tuple of 2 ints.
        strides: the step between windows, an int or a tuple of 2 ints.
        padding: "valid" (no padding) or "same" (pad so that the output has ceil(input / strides) positions,
            the odd one at the end, as Keras pads).
        data_format: "channels_last" (batch, rows, cols, channels) or "channels_first"; default: the config\'s
            `image_data_format`.
        dilation_rate: the spacing between the kernel's taps, an int or a tuple of 2 ints.
        groups: split the channels into this many groups, each convolved with `filters // groups` filters.
        activation: an activation name or function; None is linear.
        use_bias: whether to add a learned bias of shape `(filters,)`.
        kernel_initializer, bias_initializer: initializers of the kernel `(*kernel_size, channels // groups,
            filters)` and of the bias.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties, gathered in `layer.losses`.
        kernel_constraint, bias_constraint: applied to the weights after each optimizer update.

    Example:
        >>> layer = Conv2D(4, 3, activation="relu")
        >>> layer(np.ones((2, 28, 28, 1), "float32")).shape
        (2, 26, 26, 4)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1),
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
