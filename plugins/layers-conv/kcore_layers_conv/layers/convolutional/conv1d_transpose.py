"""Conv1DTranspose: the transposed 1D convolution ("deconvolution") layer."""

from kcore_layers_conv.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv1DTranspose(BaseConvTranspose):
    """Transposed 1D convolution over sequences: the gradient of a strided convolution, used to upsample.

    Args:
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: ints, or tuples of one int.
        padding: "valid" (output `(n - 1) * strides + max(kernel_size, strides)` long) or "same" (`n * strides`).
        output_padding: None, or ints (each smaller than its stride) added to the end of the output.
        data_format: "channels_last" (batch, steps, channels) or "channels_first"; default: the config's
            `image_data_format`.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
            activity_regularizer, kernel_constraint, bias_constraint: as in Conv1D. The kernel is
            `(*kernel_size, filters, channels)`.

    Example:
        >>> Conv1DTranspose(8, 3, strides=2, padding="same")(np.ones((2, 5, 3), "float32")).shape
        (2, 10, 8)
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, output_padding=output_padding,
                         data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
