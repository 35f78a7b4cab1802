"""The whole-sequence recurrent ops, registered under kind "op" (`kcore.ops.lstm`, `kcore.ops.gru`,
`kcore.ops.simple_rnn`), and the kernels that replace one on a backend (kind "kernel")."""

from kcore_layers_recurrent.ops import lstm_native
from kcore_layers_recurrent.ops.gru import gru
from kcore_layers_recurrent.ops.lstm import lstm
from kcore_layers_recurrent.ops.simple_rnn import simple_rnn

#: registered name -> op
OPS = {"lstm": lstm, "gru": gru, "simple_rnn": simple_rnn}

#: "<backend>.<op>" -> a faster implementation of the op on that backend
KERNELS = {"numpy.lstm": lstm_native.lstm}
