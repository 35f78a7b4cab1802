"""`Model`: a Layer with a training loop. `Model(inputs, outputs)` makes a functional model; subclassing
`Model` and writing `call` makes a subclassed one."""

from kcore.layers.layer import Layer
from kcore.models.summary import print_summary
from kcore.training.trainer import Trainer


class Model(Trainer, Layer):
    """Groups layers into an object with training (`compile`, `fit`) and inference (`predict`) features.

    Example (subclassing):
        >>> class TwoLayers(Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = layers.Dense(32, activation="relu")
        ...         self.out = layers.Dense(10)
        ...     def call(self, inputs):
        ...         return self.out(self.hidden(inputs))
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or {"inputs", "outputs", "input", "output"} & set(kwargs)):
            from kcore.models.functional import Functional

            return Functional.__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        Layer.__init__(self, **{k: kwargs[k] for k in ("name", "trainable", "dtype") if k in kwargs})
        Trainer.__init__(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A functional config (with layers, inputs and outputs) rebuilds a functional model, as in Keras."""
        if cls is Model and {"layers", "input_layers", "output_layers"} <= set(config):
            from kcore.models.functional import Functional

            return Functional.from_config(config, custom_objects=custom_objects)
        return super().from_config(config)

    def build(self, input_shape):
        """Build a subclassed model by running it once on placeholders of `input_shape`."""
        if type(self).call is Model.call:
            return
        from kcore.layers.symbolic import KerasTensor
        from kcore.utils import tree

        placeholders = tree.map_shapes(lambda s: KerasTensor((None, *s[1:]), self.dtype), input_shape)
        self.built = True  # so that the symbolic call below runs `call` instead of building again
        self.compute_output_spec(placeholders)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False):
        """Print the Keras table of layers, output shapes and parameter counts."""
        print_summary(self, line_length=line_length, print_fn=print_fn, show_trainable=show_trainable)

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Save the model (config, weights, optimizer state, compile arguments) as a Keras 3 `.keras` archive,
        atomically. `kcore.saving.load_model(filepath)` (or Keras 3's) restores it."""
        from kcore.saving import saving_lib

        saving_lib.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Save the weights (and the optimizer's state) as a Keras 3 `.weights.h5` file, atomically."""
        from kcore.saving import saving_lib

        saving_lib.save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load weights from a `.weights.h5` file or a `.keras` archive into this built model."""
        if kwargs:
            from kcore.errors import ConfigError

            raise ConfigError(f"load_weights(): unknown argument(s) {sorted(kwargs)}.")
        from kcore.saving import saving_lib

        saving_lib.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        from kcore.errors import UnknownNameError

        raise UnknownNameError(f"Model '{self.name}' has no layer named {name!r}. Its layers: "
                               f"{[layer.name for layer in self.layers]}.")
