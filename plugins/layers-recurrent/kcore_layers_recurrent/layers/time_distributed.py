"""TimeDistributed: a layer applied to every timestep."""

from kcore_layers_core import checks

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore.utils import tree
from kcore_layers_recurrent.nested import deserialize_layer, serialize_layer


class TimeDistributed(Layer):
    """Applies `layer` to every timestep of inputs `(batch, timesteps, ...)`, with the same weights.

    The timesteps are folded into the batch, `(batch * timesteps, ...)`, so that the layer runs once, not once
    per timestep; its output is unfolded back to `(batch, timesteps, ...)`.

    Args:
        layer: the layer to apply (or its config).

    Example:
        >>> layer = TimeDistributed(Dense(8))
        >>> layer(np.ones((32, 10, 16), "float32")).shape
        (32, 10, 8)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = deserialize_layer(layer, f"{checks.describe(self)}: `layer`", kwargs.get("dtype"))
        if not isinstance(self.layer, Layer):
            raise ConfigError(f"{checks.describe(self)}: `layer` must be a layer. Received: {layer!r}")
        self.supports_masking = True

    def _check_rank(self, shape):
        if len(shape) < 3:
            raise ShapeError(f"{checks.describe(self)} expects inputs of rank >= 3 (batch, timesteps, ...); received "
                             f"shape {tuple(shape)}. Add a time axis, e.g. x[:, None] for one timestep.")

    def build(self, input_shape):
        self._check_rank(input_shape)
        if not self.layer.built:
            self.layer._build_once((None, *tuple(input_shape)[2:]))

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        inner = self.layer.compute_output_shape((None, *tuple(input_shape)[2:]))
        return tuple(input_shape[:2]) + tuple(inner[1:])

    def call(self, inputs, training=None, mask=None):
        self._check_rank(inputs.shape)
        batch, time = inputs.shape[:2]
        kwargs = {"training": training} if self.layer._call_takes_training else {}
        if mask is not None and self.layer._call_takes_mask:
            mask = tree.flatten(mask)[0] if isinstance(mask, (list, tuple)) else mask
            kwargs["mask"] = ops.reshape(mask, (batch * time, *tuple(mask.shape)[2:]))
        outputs = self.layer(ops.reshape(inputs, (batch * time, *tuple(inputs.shape)[2:])), **kwargs)
        return ops.reshape(outputs, (batch, time, *tuple(outputs.shape)[1:]))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("layer"), dict):
            config["layer"] = deserialize_layer(config["layer"], f"{cls.__name__} config: `layer`",
                                                config.get("dtype"), custom_objects)
        return cls(**config)

    def get_config(self):
        return {**super().get_config(), "layer": serialize_layer(self.layer)}
