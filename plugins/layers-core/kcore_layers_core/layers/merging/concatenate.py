"""Concatenate: join a list of inputs along one axis."""

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class Concatenate(Layer):
    """Joins a list of inputs along `axis`; every other axis must have the same size in all of them.

    Example:
        >>> Concatenate()([np.ones((2, 3), "float32"), np.zeros((2, 2), "float32")]).shape
        (2, 5)
    """

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ConfigError(f"{checks.describe(self)}: `axis` must be an int. Received: axis={axis!r}")
        self.axis = axis

    def _check(self, shapes):
        """The output shape for inputs of `shapes`, or a ShapeError naming the layer and the shapes."""
        where = checks.describe(self)
        if not isinstance(shapes, (list, tuple)) or not shapes or not all(isinstance(s, tuple) for s in shapes):
            raise ShapeError(f"{where} takes a list of inputs, e.g. Concatenate()([x, y]); received {shapes}.")
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes) or not -rank <= self.axis < rank:
            raise ShapeError(f"{where} joins inputs of one rank along an axis they have; received shapes "
                             f"{list(shapes)} with axis={self.axis}.")
        axis = self.axis % rank
        out = []
        for i in range(rank):
            sizes = [s[i] for s in shapes]
            if i == axis:
                out.append(None if None in sizes else sum(sizes))
                continue
            known = {d for d in sizes if d is not None}
            if len(known) > 1:
                raise ShapeError(f"{where} requires inputs whose shapes match except along the concatenation axis "
                                 f"{self.axis}; received shapes {list(shapes)}, which differ on axis {i}.")
            out.append(known.pop() if known else None)
        return tuple(out)

    def build(self, input_shape):
        self._check(input_shape)

    def call(self, inputs):
        self._check([tuple(x.shape) for x in inputs] if isinstance(inputs, (list, tuple)) else tuple(inputs.shape))
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        return self._check([tuple(s) for s in input_shape])

    def compute_mask(self, inputs, previous_mask=None):
        """Positions kept in the output: each input's mask (all True where it has none), joined along `axis`."""
        if previous_mask is None or all(m is None for m in previous_mask):
            return None
        masks = []
        for x, mask in zip(inputs, previous_mask, strict=True):
            if mask is None:
                mask = ops.ones_like(x, dtype="bool")
            elif len(mask.shape) < len(x.shape):
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), x.shape)
            masks.append(mask)
        return ops.all(ops.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
