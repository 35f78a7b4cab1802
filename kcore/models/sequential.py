"""`Sequential`: a plain stack of layers, each with one input and one output."""

from kcore.errors import ConfigError
from kcore.layers.input_layer import InputLayer
from kcore.layers.layer import Layer
from kcore.layers.symbolic import KerasTensor
from kcore.models.model import Model


class Sequential(Model):
    """A linear stack of layers. Layers come as a list or through `add`; give the input shape with
    `layers.Input(shape=...)` first (or `input_shape=` on the first layer, Keras 2 style) to build the model
    (and check every layer's shapes) right away, or let the first call build it.

    Example:
        >>> model = Sequential([layers.Input(shape=(784,)), layers.Dense(32, activation="relu"),
        ...                     layers.Dense(10, activation="softmax")])
        >>> model.output_shape
        (None, 10)
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._stack = []
        self._input_layer = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_build()

    def add(self, layer, rebuild=True):
        """Append `layer` (or an `Input(...)` as the first element)."""
        if isinstance(layer, KerasTensor) and isinstance(layer.history[0], InputLayer):
            layer = layer.history[0]
        if not isinstance(layer, Layer):
            raise ConfigError(f"Sequential '{self.name}': add() takes a layer; received {type(layer).__name__} "
                              f"{layer!r}.")
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ConfigError(f"Sequential '{self.name}': an Input can only be the first element.")
            self._input_layer = layer
            return
        if any(existing.name == layer.name for existing in self._stack):
            raise ConfigError(f"Sequential '{self.name}': a layer named {layer.name!r} is already in the model. "
                              f"Layer names must be unique; pass name=... to the new layer.")
        self._stack.append(layer)
        self.built = False
        if rebuild:
            self._maybe_build()

    def pop(self, rebuild=True):
        layer = self._stack.pop()
        self.built = False
        if rebuild:
            self._maybe_build()
        return layer

    @property
    def layers(self):
        return list(self._stack)

    def _known_input_shape(self):
        if self._input_layer is not None:
            return self._input_layer.batch_shape
        if self._stack and self._stack[0]._batch_input_shape is not None:
            return self._stack[0]._batch_input_shape
        return None

    def _maybe_build(self):
        shape = self._known_input_shape()
        if shape is not None and self._stack:
            self._build_once(shape)

    def build(self, input_shape):
        """Run the stack on a placeholder: builds every layer and checks every shape, naming the layer that
        cannot take its input."""
        dtype = self._input_layer.dtype if self._input_layer is not None else self.dtype
        if self._input_layer is None:
            self._input_layer = InputLayer(batch_shape=(None, *tuple(input_shape)[1:]), dtype=dtype)
        x = self._input_layer.output_tensor
        for layer in self._stack:
            x = layer(x)
        self._output_tensor = x

    @property
    def input_shape(self):
        return self._input_layer.batch_shape if self._input_layer is not None else None

    @property
    def output_shape(self):
        if not self.built:
            raise ConfigError(f"Sequential '{self.name}' is not built yet: give it an Input or call it on data.")
        return self._output_tensor.shape

    @property
    def input(self):
        """The symbolic input of a Sequential model that starts with an Input (as `inputs[0]`)."""
        return self._symbolic("inputs")[0]

    @property
    def output(self):
        """The symbolic output of a Sequential model that starts with an Input (as `outputs[0]`)."""
        return self._symbolic("outputs")[0]

    def _symbolic(self, attribute):
        tensors = getattr(self, attribute)
        if tensors is None:
            raise ConfigError(f"Sequential '{self.name}' has no symbolic {attribute} yet: give it an Input "
                              f"(kcore.Input(shape)) as its first layer, or build it on a shape first.")
        return tensors

    @property
    def inputs(self):
        return [self._input_layer.output_tensor] if self._input_layer is not None else None

    @property
    def outputs(self):
        return [self._output_tensor] if self.built else None

    def call(self, inputs, training=None, mask=None):
        if self._input_layer is not None:
            from kcore.models.functional import check_input

            inputs = check_input(self, self._input_layer.output_tensor, inputs)
        x = inputs
        for layer in self._stack:
            if mask is None:
                y = layer(x)
                # Layer's own compute_mask makes no mask from none: only a layer that overrides it (Masking,
                # Embedding(mask_zero=True)) is asked
                if getattr(layer.compute_mask, "__func__", None) is not Layer.compute_mask:
                    mask = layer.compute_mask(x, None)
            else:
                y = layer(x, mask=mask) if layer._call_takes_mask else layer(x)
                mask = layer.compute_mask(x, mask)
            x = y
        return x

    def get_config(self):
        from kcore.models.config import sequential_config

        return sequential_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kcore.models.config import sequential_from_config

        return sequential_from_config(cls, config, custom_objects)
