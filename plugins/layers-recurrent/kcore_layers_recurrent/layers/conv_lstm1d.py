"""ConvLSTM1D: a convolutional LSTM over sequences of 1D frames."""

from kcore_layers_recurrent.layers.conv_lstm import ConvLSTM


class ConvLSTM1D(ConvLSTM):
    """1D convolutional LSTM: an LSTM whose input and recurrent transformations are 1D convolutions.

    Inputs (batch, time, rows, channels) with channels_last, (batch, time, channels, rows) with channels_first;
    the output (and each state) is (batch, new_rows, filters), or (batch, time, new_rows, filters) with
    `return_sequences`. Weights as Keras 3: `cell.kernel` (kernel_size, channels, 4 * filters),
    `cell.recurrent_kernel` (kernel_size, filters, 4 * filters), `cell.bias` (4 * filters,). Arguments: see
    `ConvLSTM` (Keras 3's, with the same defaults: strides=1, padding="valid", dilation_rate=1, ...).

    Example:
        >>> layer = ConvLSTM1D(4, 3, padding="same", return_sequences=True)
        >>> layer(np.ones((2, 5, 16, 3), "float32")).shape
        (2, 5, 16, 4)
    """

    rank = 1
