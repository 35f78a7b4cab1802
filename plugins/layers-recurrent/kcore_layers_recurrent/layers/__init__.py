"""Every layer of kcore-layers-recurrent, one class per module."""

from kcore_layers_recurrent.layers.bidirectional import Bidirectional
from kcore_layers_recurrent.layers.conv_lstm1d import ConvLSTM1D
from kcore_layers_recurrent.layers.conv_lstm2d import ConvLSTM2D
from kcore_layers_recurrent.layers.conv_lstm3d import ConvLSTM3D
from kcore_layers_recurrent.layers.gru import GRU
from kcore_layers_recurrent.layers.gru_cell import GRUCell
from kcore_layers_recurrent.layers.lstm import LSTM
from kcore_layers_recurrent.layers.lstm_cell import LSTMCell
from kcore_layers_recurrent.layers.rnn import RNN
from kcore_layers_recurrent.layers.simple_rnn import SimpleRNN
from kcore_layers_recurrent.layers.simple_rnn_cell import SimpleRNNCell
from kcore_layers_recurrent.layers.stacked_rnn_cells import StackedRNNCells
from kcore_layers_recurrent.layers.time_distributed import TimeDistributed

#: registered name -> class
LAYERS = {cls.__name__: cls for cls in (
    SimpleRNN, LSTM, GRU, SimpleRNNCell, LSTMCell, GRUCell, RNN, StackedRNNCells, Bidirectional, TimeDistributed,
    ConvLSTM1D, ConvLSTM2D, ConvLSTM3D)}
