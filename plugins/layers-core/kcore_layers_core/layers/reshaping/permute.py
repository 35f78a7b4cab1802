"""Permute: reorder the non-batch axes."""

from kcore import ops
from kcore.errors import ConfigError
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class Permute(Layer):
    """Reorders the axes of each sample: `dims` is a permutation of 1..n (1-based, the batch axis stays first),
    e.g. `(2, 1)` swaps the two axes of `(batch, timesteps, features)` inputs.

    Example:
        >>> Permute((2, 1))(np.ones((4, 10, 64), "float32")).shape
        (4, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(dims, (list, tuple)) or sorted(dims) != list(range(1, len(dims) + 1)):
            raise ConfigError(f"{checks.describe(self)}: `dims` must be a permutation of 1..n (the axes after the "
                              f"batch axis, counted from 1). Received: dims={dims!r}")
        self.dims = tuple(int(d) for d in dims)

    def build(self, input_shape):
        checks.rank(checks.describe(self), input_shape, len(self.dims) + 1,
                    f"(batch and the {len(self.dims)} axes that dims={self.dims} permutes)")

    def call(self, inputs):
        return ops.transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}
