"""ActivityRegularization: an L1/L2 penalty on the activity passing through."""

from kcore import ops
from kcore.layers.layer import Layer
from kcore_layers_core import checks


class ActivityRegularization(Layer):
    """Returns its inputs unchanged and adds `(l1 * sum(|x|) + l2 * sum(x ** 2)) / batch_size` to the layer's
    losses at each call (Keras 3 divides an activity penalty by the batch size).

    Example:
        >>> layer = ActivityRegularization(l1=0.5)
        >>> _ = layer(np.array([[1.0, -3.0]], "float32"))
        >>> float(layer.losses[0])
        2.0
    """

    supports_masking = True

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)  # Keras's base config may carry it; this layer builds its own
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.l1 = checks.number(where, "l1", l1, low=0)
        self.l2 = checks.number(where, "l2", l2, low=0)

    def call(self, inputs):
        if self.l1 or self.l2:
            x = checks.floating(inputs, self.dtype)
            penalty = 0.0
            if self.l1:
                penalty = ops.multiply(self.l1, ops.sum(ops.abs(x)))
            if self.l2:
                penalty = ops.add(penalty, ops.multiply(self.l2, ops.sum(ops.square(x))))
            self.add_loss(ops.divide(penalty, max(int(x.shape[0]), 1)) if len(x.shape) else penalty)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
