"""ConvLSTM2D: a convolutional LSTM over sequences of images."""

from kcore_layers_recurrent.layers.conv_lstm import ConvLSTM


class ConvLSTM2D(ConvLSTM):
    """2D convolutional LSTM (Shi et al., 2015): an LSTM whose input and recurrent transformations are 2D
    convolutions, e.g. for video frames or precipitation maps.

    Inputs (batch, time, rows, cols, channels) with channels_last, (batch, time, channels, rows, cols) with
    channels_first; the output (and each state) is (batch, new_rows, new_cols, filters), or with
    `return_sequences` (batch, time, new_rows, new_cols, filters). Weights as Keras 3: `cell.kernel`
    (*kernel_size, channels, 4 * filters), `cell.recurrent_kernel` (*kernel_size, filters, 4 * filters),
    `cell.bias` (4 * filters,). Arguments: see `ConvLSTM` (Keras 3's, with the same defaults: strides=1,
    padding="valid", dilation_rate=1, ...).

    Example:
        >>> layer = ConvLSTM2D(8, (3, 3), padding="same", return_state=True)
        >>> output, h, c = layer(np.ones((2, 10, 32, 32, 1), "float32"))
        >>> output.shape, c.shape
        ((2, 32, 32, 8), (2, 32, 32, 8))
    """

    rank = 2
