"""ConvLSTM3D: a convolutional LSTM over sequences of volumes."""

from kcore_layers_recurrent.layers.conv_lstm import ConvLSTM


class ConvLSTM3D(ConvLSTM):
    """3D convolutional LSTM: an LSTM whose input and recurrent transformations are 3D convolutions.

    Inputs (batch, time, dim1, dim2, dim3, channels) with channels_last, (batch, time, channels, dim1, dim2,
    dim3) with channels_first; the output (and each state) is (batch, new_dim1, new_dim2, new_dim3, filters), or
    with `return_sequences` (batch, time, ..., filters). Weights as Keras 3: `cell.kernel` (*kernel_size,
    channels, 4 * filters), `cell.recurrent_kernel` (*kernel_size, filters, 4 * filters), `cell.bias`
    (4 * filters,). Arguments: see `ConvLSTM` (Keras 3's, with the same defaults: strides=1, padding="valid",
    dilation_rate=1, ...).

    Example:
        >>> layer = ConvLSTM3D(2, 3, strides=2)
        >>> layer(np.ones((1, 4, 9, 9, 9, 1), "float32")).shape
        (1, 4, 4, 4, 2)
    """

    rank = 3
