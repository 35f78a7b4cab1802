"""Normalization: `(x - mean) / sqrt(variance)`, with the mean and variance given or learned by `adapt`."""


import numpy as np

from kcore import backend, config, ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_preprocessing.image_layer import describe, keras_value
from kcore_layers_preprocessing.statistics import batch_moments, merge_moments


class Normalization(Layer):
    """Shifts and scales the inputs to mean 0 and variance 1 per index of `axis`:
    `(x - mean) / max(sqrt(variance), epsilon)`, or with `invert=True` back: `mean + x * max(sqrt(variance), eps)`.

    `mean` and `variance` are given (numbers, or arrays broadcast to the kept axes), or learned by `adapt(data)`
    from an array or an iterable of batches, into the non-trainable weights "mean", "variance" and "count"
    that Keras creates, so that a `.keras` file written by Keras loads.

    Example:
        >>> layer = Normalization(axis=None)
        >>> layer.adapt(np.array([1., 2., 3., 4., 5.], "float32"))
        >>> layer(np.array([1., 2., 3.], "float32"))
        array([-1.4142135 , -0.70710677,  0.        ], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        where = describe(self)
        axis = keras_value(axis)
        axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        if any(isinstance(a, bool) or not isinstance(a, (int, np.integer)) for a in axis):
            raise ConfigError(f"{where}: `axis` must be an int, a tuple of ints or None. Received: axis={axis!r}")
        self.axis = tuple(int(a) for a in axis)
        mean, variance = keras_value(mean), keras_value(variance)
        if (mean is None) != (variance is None):
            raise ConfigError(f"{where}: give both `mean` and `variance`, or neither (then call adapt()). "
                              f"Received: mean={mean!r}, variance={variance!r}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ConfigError(f"{where}: `mean` and `variance` must have the same shape. Received shapes "
                                  f"{np.shape(mean)} and {np.shape(variance)}.")
            if np.ndim(mean) > len(self.axis):
                raise ConfigError(f"{where}: `mean` has rank {np.ndim(mean)}, more than the {len(self.axis)} "
                                  f"axes of axis={self.axis}. Pass one value per index of the kept axes.")
            if np.any(np.asarray(variance) < 0):
                raise ConfigError(f"{where}: `variance` must not be negative. Received: variance={variance!r}")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ShapeError(f"{describe(self)}: axis={self.axis} is outside inputs of rank {ndim} (shape "
                             f"{tuple(input_shape)}). Use axes in [-{ndim}, {ndim}), or axis=None for one mean.")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        if any(input_shape[d] is None for d in self._keep_axis):
            raise ShapeError(f"{describe(self)}: the kept axes {self._keep_axis} of inputs {tuple(input_shape)} "
                             f"must have known sizes. Give the Input a full shape along them.")
        self._input_shape = tuple(input_shape)
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            # Initial arrays rather than "zeros"/"ones": Variable makes a callable's 0-d value 1-d
            # (ascontiguousarray), and axis=None keeps 0-d weights.
            xp = backend.get().xp
            self.adapt_mean = self.add_weight(shape=shape, initializer=xp.zeros(shape, self.dtype), trainable=False,
                                              name="mean")
            self.adapt_variance = self.add_weight(shape=shape, initializer=xp.ones(shape, self.dtype),
                                                  trainable=False, name="variance")
            self.count = self.add_weight(shape=(), dtype="int64", initializer=0, trainable=False, name="count")
            return
        self._fixed = [self._given(value, ndim) for value in (self.input_mean, self.input_variance)]

    def _given(self, value, ndim):
        """A given mean or variance, its dimensions aligned right to left with the kept axes, broadcast."""
        value = np.asarray(value, dtype=self.dtype)
        expanded = [1] * ndim
        for i in range(1, value.ndim + 1):
            expanded[self._keep_axis[-i]] = value.shape[-i]
        try:
            value = np.broadcast_to(value.reshape(expanded), self._broadcast_shape)
        except ValueError as e:
            raise ShapeError(f"{describe(self)}: `mean`/`variance` of shape {value.shape} do not broadcast to the "
                             f"kept axes {self._keep_axis} of inputs {self._input_shape}: {e}") from None
        return ops.convert_to_tensor(np.ascontiguousarray(value))

    def adapt(self, data):
        """Learn the mean and variance of `data`: an array, or an iterable of batches (or of (x, y) tuples)."""
        if isinstance(data, np.ndarray) or backend.get().is_array(data):
            batches, first = None, data
        else:
            batches = iter(data)
            first = next(batches, None)
            if first is None:
                raise ConfigError(f"{describe(self)}: adapt() received an empty iterable. Pass an array, or "
                                  f"an iterable yielding at least one batch.")
        first = first[0] if isinstance(first, tuple) else first
        if not hasattr(first, "shape"):
            first = np.asarray(first)
        if not self.built:
            self._build_once(tuple(first.shape))
        if self.input_mean is not None:
            raise ConfigError(f"{describe(self)} was given `mean` and `variance`; it has nothing to adapt. "
                              f"Create it without them to learn them from data.")
        mean, variance, count = batch_moments(self._checked_batch(first), self._reduce_axis)
        for batch in batches or ():
            batch = batch[0] if isinstance(batch, tuple) else batch
            mean, variance, count = merge_moments((mean, variance, count),
                                                  batch_moments(self._checked_batch(batch), self._reduce_axis))
        self.adapt_mean.assign(mean)
        self.adapt_variance.assign(variance)
        self.count.assign(count)

    def _checked_batch(self, batch):
        batch = ops.convert_to_tensor(batch)
        if batch.ndim != len(self._input_shape) or any(batch.shape[d] != self._input_shape[d]
                                                       for d in self._keep_axis):
            raise ShapeError(f"{describe(self)} was built for inputs {self._input_shape}; adapt() received a "
                             f"batch of shape {tuple(batch.shape)}. The kept axes {self._keep_axis} must match.")
        return batch

    def call(self, inputs):
        if inputs.dtype != self.dtype:
            inputs = ops.cast(inputs, self.dtype)
        if self.input_mean is None:
            mean = ops.reshape(self.adapt_mean, self._broadcast_shape)
            variance = ops.reshape(self.adapt_variance, self._broadcast_shape)
        else:
            mean, variance = self._fixed
        spread = ops.maximum(ops.sqrt(variance), config.epsilon())
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, spread))
        return ops.divide(ops.subtract(inputs, mean), spread)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": np.asarray(self.input_mean).tolist() if self.input_mean is not None else None,
                "variance": np.asarray(self.input_variance).tolist() if self.input_variance is not None else None}


