"""Weight regularizers with Keras 3's names, arguments and configs (registry kind "regularizer").

A regularizer is called on a weight (a Variable or an array) and returns a scalar penalty; a layer's `losses`
gathers the penalties of its regularized weights. It is computed with `kcore.ops`, so under a tape it carries
its gradient.

Example:
    >>> float(L2(0.5)(np.array([1.0, 2.0], "float32")))
    2.5
"""

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore_layers_core import checks


class Regularizer:
    """Base class: subclasses implement `__call__(x)` and `get_config`."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


def _factor(owner, name, value):
    return checks.number(owner, name, value, low=0)


class L1(Regularizer):
    """`l1 * sum(|x|)`."""

    def __init__(self, l1=0.01):
        self.l1 = _factor("L1", "l1", l1)

    def __call__(self, x):
        return ops.multiply(ops.sum(ops.absolute(x)), self.l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """`l2 * sum(x ** 2)`."""

    def __init__(self, l2=0.01):
        self.l2 = _factor("L2", "l2", l2)

    def __call__(self, x):
        return ops.multiply(ops.sum(ops.square(x)), self.l2)

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """`l1 * sum(|x|) + l2 * sum(x ** 2)`."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor("L1L2", "l1", l1)
        self.l2 = _factor("L1L2", "l2", l2)

    def __call__(self, x):
        penalty = 0.0
        if self.l1:
            penalty = ops.multiply(ops.sum(ops.absolute(x)), self.l1)
        if self.l2:
            penalty = ops.add(penalty, ops.multiply(ops.sum(ops.square(x)), self.l2))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (`mode="rows"`) or columns of a 2-D weight towards orthogonality: `factor` times the mean
    absolute cosine between distinct pairs of them."""

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _factor("OrthogonalRegularizer", "factor", factor)
        if mode not in ("rows", "columns"):
            raise ConfigError(f"OrthogonalRegularizer: `mode` must be 'rows' or 'columns'. Received: mode={mode!r}")
        self.mode = mode

    def __call__(self, x):
        if len(x.shape) != 2:
            raise ShapeError(f"OrthogonalRegularizer applies to 2-D weights; received shape {tuple(x.shape)}.")
        vectors = x if self.mode == "rows" else ops.transpose(x)
        norms = ops.sqrt(ops.maximum(ops.sum(ops.square(vectors), axis=1, keepdims=True), 1e-12))
        unit = ops.divide(vectors, norms)
        size = vectors.shape[0]
        product = ops.matmul(unit, ops.transpose(unit))
        off_diagonal = ops.multiply(product, 1.0 - ops.eye(size, dtype=str(product.dtype)))
        pairs = max(size * (size - 1) / 2.0, 1.0)
        return ops.multiply(ops.sum(ops.absolute(off_diagonal)), self.factor * 0.5 / pairs)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


REGULARIZERS = {"L1": L1, "L2": L2, "L1L2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer,
                "l1": L1, "l2": L2, "l1_l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer}
