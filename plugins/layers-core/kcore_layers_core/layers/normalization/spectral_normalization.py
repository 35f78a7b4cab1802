"""SpectralNormalization: a wrapper that divides a layer's kernel by its largest singular value."""

from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore.saving import deserialize_keras_object, serialize_keras_object
from kcore.variables import Variable
from kcore_layers_core import checks
from kcore_layers_core.initializers import TruncatedNormal

_EPSILON = 1e-7  # Keras's backend epsilon: the squared norm of a power-iteration vector is clamped at its square


class SpectralNormalization(Layer):
    """Wraps a layer that has a `kernel` (Dense, Conv2D, ...) or `embeddings` (Embedding) weight and, in
    training, divides that weight by its spectral norm (largest singular value) before calling the layer, which
    bounds the layer's Lipschitz constant (Miyato et al., 2018).

    The spectral norm `sigma` of the kernel reshaped to `(-1, kernel.shape[-1])` is estimated by
    `power_iterations` steps of power iteration from the non-trainable `vector_u` (shape `(1, kernel.shape[-1])`),
    which is kept between calls so that the estimate improves as training goes. As in Keras, a call with
    `training=True` assigns `kernel / sigma` to the kernel and the new estimate to `vector_u` (an all-zero kernel
    is left as it is); a call at inference uses the kernel as it stands. No gradient flows through `sigma`.

    Args:
        layer: the layer to wrap (or its config).
        power_iterations: the number of power-iteration steps per training call, a positive int.

    Example:
        >>> layer = SpectralNormalization(Dense(3))
        >>> layer(np.ones((2, 4), "float32"), training=True).shape
        (2, 3)
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        if isinstance(layer, dict):
            config = layer.get("config")
            if kwargs.get("dtype") is not None and isinstance(config, dict) and config.get("dtype") is None:
                layer = {**layer, "config": {**config, "dtype": kwargs["dtype"]}}
            try:
                layer = deserialize_keras_object(layer)
            except ConfigError as e:
                raise ConfigError(f"{where}: `layer`: {e}") from e
        if not isinstance(layer, Layer):
            raise ConfigError(f"{where}: `layer` must be a layer (or a layer's config), e.g. Dense(8). Received: "
                              f"layer={layer!r}")
        self.layer = layer
        self.power_iterations = checks.positive_int(where, "power_iterations", power_iterations)
        self.kernel = self.vector_u = None

    def build(self, input_shape):
        if not self.layer.built:
            self.layer._build_once(input_shape)
        kernel = getattr(self.layer, "kernel", None)
        if not isinstance(kernel, Variable):
            kernel = getattr(self.layer, "embeddings", None)
        if not isinstance(kernel, Variable):
            raise ConfigError(f"{checks.describe(self)}: the wrapped {type(self.layer).__name__} "
                              f"'{self.layer.name}' has no `kernel` nor `embeddings` weight to normalise. Wrap a "
                              f"layer that has one, such as Dense, Conv2D or Embedding.")
        self.kernel = kernel
        self.vector_u = self.add_weight(shape=(1, kernel.shape[-1]), initializer=TruncatedNormal(stddev=0.02),
                                        trainable=False, name="vector_u", dtype=kernel.dtype)

    @property
    def weights(self):
        """Keras's order: the wrapped kernel, `vector_u`, then the wrapped layer's other weights."""
        weights = super().weights
        return weights if self.kernel is None else [self.kernel] + [w for w in weights if w is not self.kernel]

    def call(self, inputs, training=False):
        if training:
            self._normalize_kernel()
        return self.layer(inputs)

    def _normalize_kernel(self):
        """Assign `kernel / sigma` to the kernel and the power iteration's last `u` to `vector_u`, on the backend's
        arrays (the assignment carries no gradient, as in Keras)."""
        kernel = self.kernel.value
        if not kernel.any():
            return
        weights = kernel.reshape(-1, kernel.shape[-1])
        u = self.vector_u.value
        for _ in range(self.power_iterations):
            v = _unit(u @ weights.T)
            u = _unit(v @ weights)
        sigma = (v @ weights @ u.T).reshape(())
        self.vector_u.assign(u)
        self.kernel.assign(kernel / sigma)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def save_own_variables(self, store):
        # Keras tracks the wrapped kernel as the wrapper's own variable too: "0" is the kernel, "1" is vector_u
        store["0"], store["1"] = self.kernel.numpy(), self.vector_u.numpy()

    def load_own_variables(self, store):
        if self.kernel is None or len(store) != 2:
            return super().load_own_variables(store)
        values = {"0": store["0"], "1": store["1"]}
        for (key, value), variable in zip(values.items(), (self.kernel, self.vector_u), strict=True):
            if tuple(value.shape) != variable.shape:
                raise ShapeError(f"{checks.describe(self)}: variable {variable.name!r} has shape {variable.shape}; "
                                 f"the weights file holds shape {tuple(value.shape)} at {key!r}. The file was "
                                 f"saved from a different model.")
        self.kernel.assign(values["0"])
        self.vector_u.assign(values["1"])

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("layer"), dict):
            config["layer"] = deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        return cls(**config)

    def get_config(self):
        layer = serialize_keras_object(self.layer)
        layer.pop("build_config", None)  # the wrapper builds the layer it wraps
        return {**super().get_config(), "layer": layer, "power_iterations": self.power_iterations}


def _unit(x):
    """`x / ||x||` over all entries, with the squared norm clamped at epsilon ** 2 as Keras's `normalize` does."""
    square_norm = (x * x).sum()
    return x / max(square_norm, _EPSILON ** 2) ** 0.5
