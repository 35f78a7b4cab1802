"""Discretization: continuous values to the index of the bin they fall in, with the bin boundaries given or
learned by `adapt` from approximate quantiles (Keras's weighted-summary algorithm, reproduced number for number)."""

import numbers

import numpy as np

from kcore import backend, config, ops
from kcore.errors import ConfigError, DTypeError
from kcore.layers import Layer
from kcore.layers.symbolic import KerasTensor
from kcore_layers_preprocessing import encoding
from kcore_layers_preprocessing.image_layer import describe, keras_value

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(Layer):
    """Buckets each value into the bin it falls in: with `bin_boundaries=[b0, ..., bk]` the bins are
    `(-inf, b0)`, `[b0, b1)`, ..., `[bk, inf)`, numbered 0 to k+1. With `num_bins` instead, `adapt(data)`
    learns about `num_bins` boundaries from the quantiles of `data`, to `epsilon` accuracy (fewer boundaries
    when the data has fewer than `num_bins` values).

    `output_mode="int"` returns the bin indices (int32, the inputs' shape); "one_hot", "multi_hot" and "count"
    encode them as CategoryEncoding does, in the layer's float dtype. Float inputs are compared in float32.

    Example:
        >>> layer = Discretization(bin_boundaries=[0., 1., 2.])
        >>> layer(np.array([[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]]))
        array([[0, 2, 3, 1],
               [1, 3, 2, 1]], dtype=int32)
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False, **kwargs):
        super().__init__(autocast=False, **kwargs)
        where = describe(self)
        if output_mode not in OUTPUT_MODES:
            raise ConfigError(f"{where}: `output_mode` must be one of {OUTPUT_MODES}. Received: "
                              f"output_mode={output_mode!r}")
        if sparse:
            raise ConfigError(f"{where}: sparse=True is not supported (kcore has no sparse tensors); the output is "
                              f"a dense array. Pass sparse=False.")
        bin_boundaries = keras_value(bin_boundaries)
        if num_bins is not None and bin_boundaries is not None:
            raise ConfigError(f"{where}: set `num_bins` (then call adapt()) or `bin_boundaries`, not both. "
                              f"Received: num_bins={num_bins!r}, bin_boundaries={bin_boundaries!r}")
        if num_bins is None and bin_boundaries is None:
            raise ConfigError(f"{where}: set either `bin_boundaries` or `num_bins` (and call adapt()).")
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(num_bins, numbers.Integral)
                                     or num_bins < 1):
            raise ConfigError(f"{where}: `num_bins` must be an int >= 1. Received: num_bins={num_bins!r}")
        if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or not epsilon > 0:
            raise ConfigError(f"{where}: `epsilon` must be a number > 0 (e.g. 0.01). Received: epsilon={epsilon!r}")
        self.num_bins = None if num_bins is None else int(num_bins)
        self.epsilon, self.output_mode, self.sparse = float(epsilon), output_mode, False
        self.bin_boundaries = None if bin_boundaries is None else self._checked_boundaries(bin_boundaries)

    def _checked_boundaries(self, boundaries):
        values = np.asarray(boundaries, dtype=object).reshape(-1) if np.ndim(boundaries) else None
        if values is None or any(isinstance(b, bool) or not isinstance(b, numbers.Real) for b in values):
            raise ConfigError(f"{describe(self)}: `bin_boundaries` must be a list of numbers. Received: "
                              f"{boundaries!r}")
        values = [float(b) for b in values]
        if not np.all(np.diff(values) >= 0):
            raise ConfigError(f"{describe(self)}: `bin_boundaries` must be sorted in increasing order. Received: "
                              f"{values}. Sort them.")
        return values

    @classmethod
    def from_config(cls, config_):
        # an adapted layer's config holds both `num_bins` and the learned `bin_boundaries`
        config_ = dict(config_)
        boundaries = config_.pop("bin_boundaries", None) if config_.get("num_bins") is not None else None
        layer = cls(**config_)
        if boundaries is not None:
            layer.bin_boundaries = layer._checked_boundaries(keras_value(boundaries))
        return layer

    # -- adapt ----------------------------------------------------------------------------------------------

    def adapt(self, data, steps=None):
        """Learn the bin boundaries from `data`: an array (one batch), or an iterable of batches (at most
        `steps` of them), merged into one quantile summary."""
        if self.num_bins is None:
            raise ConfigError(f"{describe(self)} was given `bin_boundaries`; it has nothing to adapt. Create it "
                              f"with `num_bins` instead to learn them from data.")
        one_batch = isinstance(data, np.ndarray) or backend.get().is_array(data) or ops.is_tensor(data) \
            or not hasattr(data, "__iter__")
        summary, seen = np.zeros((2, 0), dtype="float32"), 0
        for step, batch in enumerate([data] if one_batch else data):
            if steps is not None and step >= steps:
                break
            values = np.asarray(ops.convert_to_numpy(batch) if ops.is_tensor(batch) else batch).astype("float32")
            seen += values.size
            summary = merge_summaries(summarize(values, self.epsilon), summary, self.epsilon)
        if not seen:
            raise ConfigError(f"{describe(self)}: adapt() received no values. Pass an array, or an iterable "
                              f"yielding at least one non-empty batch.")
        self.bin_boundaries = compress_summary(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    # -- calling --------------------------------------------------------------------------------------------

    def _depth(self):
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ConfigError(f"{describe(self)}: pass `bin_boundaries` when creating it, or call adapt(data) "
                              f"before calling the layer.")
        values = np.asarray(inputs if isinstance(inputs, (list, tuple, numbers.Number))
                            else ops.convert_to_numpy(inputs))
        if values.dtype.kind not in "iuf":
            raise DTypeError(f"{describe(self)} takes numbers; received an array of dtype {values.dtype}.")
        if values.dtype.kind == "f":
            values = values.astype(config.floatx())  # Keras compares float inputs in floatx
        ids = np.digitize(values, self.bin_boundaries).astype(np.int32)
        if self.output_mode == "int":
            return ops.convert_to_tensor(ids)
        return ops.convert_to_tensor(encoding.categorical(ids, self.output_mode, self._depth(), self.dtype))

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        return encoding.categorical_shape(input_shape, self.output_mode, self._depth())

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), "int32" if self.output_mode == "int" else
                           self.dtype)

    def get_config(self):
        return {**super().get_config(), "bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": False}


# -- Keras's quantile summary: a (2, n) float32 array of values (sorted) and the weight each stands for -------


def summarize(values, epsilon):
    """Every `step`-th of the sorted values (`step` = the number of values times `epsilon`, at least 1), each
    weighing `step`."""
    values = np.sort(values.reshape(-1))
    step = max(values.size / (1.0 / epsilon), 1)  # Keras's exact arithmetic: int() of it picks the values
    kept = values[int(step - 1)::int(step)]
    return np.stack([kept, np.full_like(kept, step)])


def merge_summaries(new, previous, epsilon):
    """The two summaries' points sorted by value, compressed back to about 1/epsilon points."""
    merged = np.concatenate((new, previous), axis=1)
    return compress_summary(merged[:, np.argsort(merged[0])], epsilon)


def compress_summary(summary, epsilon):
    """At most 1/epsilon points: the values at cumulative-weight fractions epsilon, 2 epsilon, ..., 1,
    interpolated linearly, each weighing the weight between it and the one before (unchanged if smaller)."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = np.arange(0.0, 1.0, epsilon) + epsilon
    cumulative = np.cumsum(summary[1])
    position = cumulative / cumulative[-1]
    values = np.interp(fractions, position, summary[0])
    weights = np.diff(np.interp(fractions, position, cumulative), prepend=0.0)
    return np.stack((values, weights)).astype("float32")
