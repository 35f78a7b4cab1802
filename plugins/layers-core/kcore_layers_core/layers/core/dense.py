"""Dense: the fully connected layer."""

from kcore import ops
from kcore.errors import ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.fused import bias_and_activation
from kcore_layers_core.serialization import activation as get_activation
from kcore_layers_core.serialization import resolve, serialize


class Dense(Layer):
    """`activation(inputs @ kernel + bias)`, on the last axis of inputs of any rank >= 2.

    Args:
        units: the size of the last axis of the output.
        activation: an activation name or function; None is linear.
        use_bias: whether to add a learned bias.
        kernel_initializer, bias_initializer: initializers (names, configs or objects).
        kernel_regularizer, bias_regularizer: penalties on the weights, gathered in `layer.losses`.
        activity_regularizer: a penalty on the output, added with `add_loss` at each call.
        kernel_constraint, bias_constraint: applied to the weights after each optimizer update.

    Example:
        >>> layer = Dense(4, activation="relu")
        >>> layer(np.ones((2, 3), "float32")).shape
        (2, 4)
        >>> layer(np.ones((2, 5, 3), "float32")).shape  # rank 3: the same kernel on every timestep
        (2, 5, 4)
    """

    supports_masking = True

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.units = checks.positive_int(where, "units", units)
        self.activation = get_activation(activation, f"{where}: `activation`")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = resolve("initializer", kernel_initializer, f"{where}: `kernel_initializer`")
        self.bias_initializer = resolve("initializer", bias_initializer, f"{where}: `bias_initializer`")
        self.kernel_regularizer = resolve("regularizer", kernel_regularizer, f"{where}: `kernel_regularizer`")
        self.bias_regularizer = resolve("regularizer", bias_regularizer, f"{where}: `bias_regularizer`")
        self.activity_regularizer = resolve("regularizer", activity_regularizer, f"{where}: `activity_regularizer`")
        self.kernel_constraint = resolve("constraint", kernel_constraint, f"{where}: `kernel_constraint`")
        self.bias_constraint = resolve("constraint", bias_constraint, f"{where}: `bias_constraint`")
        self.kernel = self.bias = None

    def build(self, input_shape):
        checks.rank(checks.describe(self), input_shape, (2, None), "(batch, ..., features)")
        features = input_shape[-1]
        if features is None:
            raise ShapeError(f"{checks.describe(self)} needs the last axis of its inputs (the features) to be known "
                             f"to create its kernel; received shape {tuple(input_shape)}.")
        self.kernel = self.add_weight(shape=(features, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")

    def call(self, inputs):
        if len(inputs.shape) < 2 or inputs.shape[-1] != self.kernel.shape[0]:
            raise ShapeError(f"{checks.describe(self)} was built for inputs of shape (batch, ..., "
                             f"{self.kernel.shape[0]}); received shape {tuple(inputs.shape)}.")
        outputs = bias_and_activation(ops.matmul(checks.floating(inputs, self.dtype), self.kernel), self.bias,
                                      self.activation)
        if self.activity_regularizer is not None:
            self.add_activity_loss(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self):
        config = {**super().get_config(), "units": self.units,
                  "activation": serialize(self.activation, "activation"), "use_bias": self.use_bias,
                  "kernel_initializer": serialize(self.kernel_initializer, "initializer"),
                  "bias_initializer": serialize(self.bias_initializer, "initializer"),
                  "kernel_regularizer": serialize(self.kernel_regularizer, "regularizer"),
                  "bias_regularizer": serialize(self.bias_regularizer, "regularizer"),
                  "kernel_constraint": serialize(self.kernel_constraint, "constraint"),
                  "bias_constraint": serialize(self.bias_constraint, "constraint")}
        if self.activity_regularizer is not None:  # as Keras 3's base Layer: only when one is set
            config["activity_regularizer"] = serialize(self.activity_regularizer, "regularizer")
        return config
