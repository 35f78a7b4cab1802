"""`Input`: where a functional model starts."""

from kcore.errors import ConfigError
from kcore.layers.layer import Layer, _standardize_dtype
from kcore.layers.symbolic import GraphNode, KerasTensor


class InputLayer(Layer):
    """The layer behind `Input`: holds the placeholder a functional model is fed through."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, input_tensor=None,
                 name=None, **kwargs):
        if "input_shape" in kwargs:  # Keras 2 spelling, also what older saved configs hold
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, dtype=dtype, **kwargs)
        if batch_shape is None:
            if shape is None:
                raise ConfigError("Input: pass `shape` (without the batch dimension), e.g. Input(shape=(784,)).")
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size, *tuple(shape))
        self.batch_shape = tuple(batch_shape)
        if any(d is not None and (not isinstance(d, int) or d <= 0) for d in self.batch_shape):
            raise ConfigError(f"Input: every dimension must be a positive int or None. Received shape "
                              f"{self.batch_shape[1:]}.")
        self.built = True
        self.output_tensor = input_tensor or KerasTensor(self.batch_shape, _standardize_dtype(dtype), name=self.name)
        self._inbound_nodes.append(GraphNode(self, (), {}, self.output_tensor))
        self.output_tensor.history = (self, 0, 0)

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "sparse": False, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None):
    """A symbolic input of `shape` (without the batch dimension), to build a functional model from.

    Example:
        >>> x = Input(shape=(32,))
        >>> x.shape
        (None, 32)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, batch_shape=batch_shape,
                       name=name, input_tensor=tensor)
    return layer.output_tensor
