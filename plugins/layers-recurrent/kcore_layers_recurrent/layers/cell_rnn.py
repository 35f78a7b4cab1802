"""What LSTM, GRU and SimpleRNN share: an RNN over the cell it makes from its own arguments."""

from kcore_layers_core.serialization import serialize

from kcore_layers_recurrent.layers.rnn import RNN

#: the cell arguments that the layer shows as its own attributes (`lstm.units`, `lstm.dropout`, ...), as Keras
CELL_ARGUMENTS = frozenset((
    "units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias", "reset_after", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
    "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed"))


class CellRNN(RNN):
    """An RNN whose cell is built from the layer's arguments: the weights live in the cell (`layer.cell.kernel`,
    as in Keras 3), the cell's arguments read as the layer's attributes, and the config is flat (the cell's
    arguments beside the RNN's, without a nested `cell`)."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, activity_regularizer=None, use_cudnn="auto", **kwargs):
        # use_cudnn: Keras's choice of a cuDNN kernel on TensorFlow; a backend picks its kernels here
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)

    @staticmethod
    def cell_options(kwargs, name):
        """The Layer arguments the cell shares with its layer."""
        return {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True), "name": name}

    def __getattr__(self, name):
        cell = self.__dict__.get("cell")
        if cell is not None and name in CELL_ARGUMENTS and hasattr(cell, name):
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {**config, **cell_config, "activity_regularizer": serialize(self.activity_regularizer, "regularizer")}
