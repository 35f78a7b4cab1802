"""Conv3DTranspose: the transposed 3D convolution ("deconvolution") layer."""

from kcore_layers_conv.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    """Transposed 3D convolution over volumes: the gradient of a strided convolution, used to upsample.

    Args:
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: ints, or tuples of 3 ints.
        padding: "valid" (output `(n - 1) * strides + max(kernel_size, strides)` long) or "same" (`n * strides`).
        output_padding: None, or ints (each smaller than its stride) added to the end of the output.
        data_format: "channels_last" (batch, dim1, dim2, dim3, channels) or "channels_first"; default: the config's
            `image_data_format`.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
            activity_regularizer, kernel_constraint, bias_constraint: as in Conv3D. The kernel is
            `(*kernel_size, filters, channels)`.

    Example:
        >>> Conv3DTranspose(8, 3, strides=2, padding="same")(np.ones((2, 3, 3, 3, 4), "float32")).shape
        (2, 6, 6, 6, 8)
    """

    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None, output_padding=None,
                 dilation_rate=(1, 1, 1), activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, output_padding=output_padding,
                         data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
