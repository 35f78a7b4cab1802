"""The base of the elementwise merging layers (Add, Subtract, Multiply, Average, Maximum, Minimum)."""

import functools

from kcore import ops
from kcore.errors import ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks


def broadcast_shapes(where, shapes):
    """The shape that `shapes` (tuples with the batch axis, None for unknown sizes) broadcast to, as the merging
    layers broadcast: a lower-rank input gets size-1 axes after its batch axis, then each axis must agree or be 1.
    Raises a ShapeError naming `where` and the shapes."""
    rank = max(len(s) for s in shapes)
    padded = [(s[0], *(1,) * (rank - len(s)), *s[1:]) if len(s) else s for s in shapes]
    out = []
    for axis in range(rank):
        sizes = {s[axis] for s in padded} - {1}
        known = sizes - {None}
        if len(known) > 1:
            raise ShapeError(f"{where} cannot merge inputs of shapes {[tuple(s) for s in shapes]}: axis {axis} has "
                             f"sizes {sorted(known)}. Inputs must have the same shape, or sizes of 1 where they "
                             f"differ (broadcasting).")
        out.append(known.pop() if known else (None if None in sizes else 1))
    return tuple(out)


class Merge(Layer):
    """Combines a list of inputs elementwise, with broadcasting; subclasses define `_merge(x, y)`.

    A lower-rank input gets size-1 axes after its batch axis (Keras's rule): `(batch, 4)` merges with
    `(batch, 3, 4)` as `(batch, 1, 4)`.
    """

    supports_masking = True
    min_inputs = 1
    max_inputs = None

    def _check(self, shapes):
        where = checks.describe(self)
        if not isinstance(shapes, (list, tuple)) or not shapes or not all(isinstance(s, tuple) for s in shapes):
            raise ShapeError(f"{where} takes a list of inputs, e.g. {type(self).__name__}()([x, y]); received "
                             f"{'a single input of shape ' + str(shapes) if isinstance(shapes, tuple) else shapes}.")
        count = len(shapes)
        if count < self.min_inputs or (self.max_inputs is not None and count > self.max_inputs):
            wanted = self.min_inputs if self.min_inputs == self.max_inputs else f"at least {self.min_inputs}"
            raise ShapeError(f"{where} takes {wanted} inputs; received {count}, of shapes {list(shapes)}.")
        return broadcast_shapes(where, shapes)

    def build(self, input_shape):
        self._check(input_shape)

    def call(self, inputs):
        shapes = [tuple(x.shape) for x in inputs] if isinstance(inputs, (list, tuple)) else tuple(inputs.shape)
        rank = len(self._check(shapes))
        inputs = [x if len(x.shape) == rank else ops.reshape(x, (x.shape[0], *(1,) * (rank - len(x.shape)),
                                                                *x.shape[1:])) for x in inputs]
        return self._combine(inputs)

    def _combine(self, inputs):
        return functools.reduce(self._merge, inputs)

    def _merge(self, x, y):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        return self._check([tuple(s) for s in input_shape])

    def compute_mask(self, inputs, previous_mask=None):
        """A position is kept when every input keeps it."""
        masks = [m for m in (previous_mask or []) if m is not None]
        return functools.reduce(ops.logical_and, masks) if masks else None
