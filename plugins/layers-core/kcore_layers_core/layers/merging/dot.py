"""Dot: per-sample dot products of two inputs."""

import string

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks


def _l2_normalize(x, axis):
    return ops.multiply(x, ops.rsqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), 1e-12)))


class Dot(Layer):
    """For each sample, the dot product of two inputs along `axes` (an int for both, or one per input).

    Inputs `(batch, n)` and `(batch, n)` give `(batch, 1)`; `(batch, t, d)` and `(batch, s, d)` with `axes=2` give
    `(batch, t, s)`. With `normalize=True` both are L2-normalised along their axes first, which gives the cosine
    similarity.

    Example:
        >>> x = np.array([[1.0, 2.0]], "float32")
        >>> Dot(axes=1)([x, x])
        array([[5.]], dtype=float32)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        pair = isinstance(axes, (list, tuple)) and len(axes) == 2
        values = axes if pair else (axes,)
        if not (pair or isinstance(axes, int)) or any(isinstance(a, bool) or not isinstance(a, int) for a in values):
            raise ConfigError(f"{checks.describe(self)}: `axes` must be an int or a pair of ints. Received: "
                              f"axes={axes!r}")
        self.axes = tuple(axes) if pair else axes
        self.normalize = bool(normalize)

    def _check(self, shapes):
        """The two contracted axes (non-negative) for inputs of `shapes`, checked to match in size."""
        where = checks.describe(self)
        if not isinstance(shapes, (list, tuple)) or len(shapes) != 2 or not all(isinstance(s, tuple) for s in shapes):
            raise ShapeError(f"{where} takes a list of exactly two inputs; received {shapes}.")
        first, second = shapes
        axes = self.axes if isinstance(self.axes, tuple) else (self.axes, self.axes)
        if not all(-len(s) < a < len(s) and a % len(s) != 0 for a, s in zip(axes, shapes, strict=True)):
            raise ShapeError(f"{where}: axes={self.axes} must name a non-batch axis of each input; received shapes "
                             f"{first} and {second}.")
        a, b = axes[0] % len(first), axes[1] % len(second)
        if None not in (first[a], second[b]) and first[a] != second[b]:
            raise ShapeError(f"{where}: the contracted axes differ in size: {first[a]} (axis {a} of shape {first}) "
                             f"and {second[b]} (axis {b} of shape {second}).")
        return a, b

    def build(self, input_shape):
        self._check(input_shape)

    def call(self, inputs):
        x, y = inputs
        a, b = self._check([tuple(x.shape), tuple(y.shape)])
        if self.normalize:
            x, y = _l2_normalize(x, a), _l2_normalize(y, b)
        letters = iter(string.ascii_letters[1:])
        xs = ["a", *(next(letters) for _ in x.shape[1:])]
        ys = ["a", *(next(letters) for _ in y.shape[1:])]
        ys[b] = xs[a]
        out = [c for i, c in enumerate(xs) if i != a] + [c for i, c in enumerate(ys) if i not in (0, b)]
        result = ops.einsum(f"{''.join(xs)},{''.join(ys)}->{''.join(out)}", x, y)
        return ops.expand_dims(result, -1) if len(out) == 1 else result

    def compute_output_shape(self, input_shape):
        first, second = (tuple(s) for s in input_shape)
        a, b = self._check([first, second])
        shape = [d for i, d in enumerate(first) if i != a] + [d for i, d in enumerate(second) if i not in (0, b)]
        return tuple(shape) if len(shape) > 1 else (shape[0], 1)

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}
