"""kcore-layers-recurrent: SimpleRNN, LSTM and GRU with their cells, RNN, StackedRNNCells, Bidirectional and
TimeDistributed, on whole-sequence ops (`kcore.ops.lstm`, `gru`, `simple_rnn`) that backpropagate through time
without a tape entry per timestep."""
