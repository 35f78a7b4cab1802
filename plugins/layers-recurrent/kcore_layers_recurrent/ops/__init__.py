"""The whole-sequence recurrent ops, registered under kind "op" (`kcore.ops.lstm`, `kcore.ops.gru`,
`kcore.ops.simple_rnn`)."""

from kcore_layers_recurrent.ops.gru import gru
from kcore_layers_recurrent.ops.lstm import lstm
from kcore_layers_recurrent.ops.simple_rnn import simple_rnn

#: registered name -> op
OPS = {"lstm": lstm, "gru": gru, "simple_rnn": simple_rnn}
