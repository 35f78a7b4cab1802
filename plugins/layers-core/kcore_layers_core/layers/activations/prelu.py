"""PReLU: a leaky ReLU whose negative slope is learned."""

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.serialization import resolve, serialize


class PReLU(Layer):
    """`x` where `x >= 0`, else `alpha * x`, with `alpha` learned per entry of the non-batch axes (shared along
    `shared_axes`, e.g. `[1, 2]` for one slope per channel of images).

    Example:
        >>> layer = PReLU(alpha_initializer="ones", shared_axes=[1])
        >>> layer(np.array([[-2.0, 3.0]], "float32")), layer.alpha.shape
        (array([[-2.,  3.]], dtype=float32), (1,))
    """

    supports_masking = True

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.alpha_initializer = resolve("initializer", alpha_initializer, f"{where}: `alpha_initializer`")
        self.alpha_regularizer = resolve("regularizer", alpha_regularizer, f"{where}: `alpha_regularizer`")
        self.alpha_constraint = resolve("constraint", alpha_constraint, f"{where}: `alpha_constraint`")
        axes = [shared_axes] if isinstance(shared_axes, int) else shared_axes
        if axes is not None and (not isinstance(axes, (list, tuple)) or any(
                isinstance(a, bool) or not isinstance(a, int) or a < 1 for a in axes)):
            raise ConfigError(f"{where}: `shared_axes` must be an int or a list of axes >= 1 (axis 0 is the "
                              f"batch). Received: shared_axes={shared_axes!r}")
        self.shared_axes = None if axes is None else list(axes)
        self.alpha = None

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis >= len(input_shape):
                raise ShapeError(f"{checks.describe(self)}: shared axis {axis} is not an axis of inputs of shape "
                                 f"{tuple(input_shape)}.")
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ShapeError(f"{checks.describe(self)} needs known sizes on every axis it learns a slope for; "
                             f"received shape {tuple(input_shape)}. Share the unknown axes with `shared_axes`.")
        self.alpha = self.add_weight(shape=tuple(shape), initializer=self.alpha_initializer, name="alpha",
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)

    def call(self, inputs):
        inputs = checks.floating(inputs, self.dtype)
        return ops.subtract(ops.relu(inputs), ops.multiply(self.alpha, ops.relu(ops.negative(inputs))))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "alpha_initializer": serialize(self.alpha_initializer, "initializer"),
                "alpha_regularizer": serialize(self.alpha_regularizer, "regularizer"),
                "alpha_constraint": serialize(self.alpha_constraint, "constraint"), "shared_axes": self.shared_axes}
