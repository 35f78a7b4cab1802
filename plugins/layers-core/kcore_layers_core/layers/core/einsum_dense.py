"""EinsumDense: a dense layer whose contraction is any einsum equation."""

import numbers

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.layers.core import einsum_shapes
from kcore_layers_core.serialization import activation as get_activation
from kcore_layers_core.serialization import resolve, serialize

_WEIGHT_ARGUMENTS = ("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                     "kernel_constraint", "bias_constraint")


class EinsumDense(Layer):
    """`activation(einsum(equation, inputs, kernel) + bias)`, the kernel's shape read from the equation.

    Args:
        equation: `'<input>,<kernel>-><output>'`, e.g. `'abc,cd->abd'`; `...` may start or end the input and
            output (`'...x,xy->...y'`) for axes the kernel does not touch.
        output_shape: the output's sizes after the batch axis (an int for one axis); None for an axis that
            follows the input's size.
        activation: an activation name or function; None is linear.
        bias_axes: the output letters the bias varies along (e.g. `'d'`), or None for no bias.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, kernel_constraint,
        bias_constraint: as in Dense.

    Example:
        >>> layer = EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de")
        >>> layer(np.ones((3, 5, 8), "float32")).shape, layer.kernel.shape, layer.bias.shape
        ((3, 5, 2, 4), (8, 2, 4), (2, 4))
    """

    supports_masking = False

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, activity_regularizer=None, lora_rank=None, lora_alpha=None, **kwargs):
        super().__init__(**kwargs)
        where = checks.describe(self)
        einsum_shapes.parse(equation, where)
        self.equation = equation.replace(" ", "")
        shape = (output_shape,) if isinstance(output_shape, numbers.Integral) else output_shape
        if not isinstance(shape, (list, tuple)) or any(
                d is not None and (isinstance(d, bool) or not isinstance(d, numbers.Integral) or d <= 0)
                for d in shape):
            raise ConfigError(f"{where}: `output_shape` must be a positive int or a tuple of positive ints and "
                              f"None. Received: output_shape={output_shape!r}")
        self.partial_output_shape = tuple(None if d is None else int(d) for d in shape)
        if bias_axes is not None and not isinstance(bias_axes, str):
            raise ConfigError(f"{where}: `bias_axes` must be a string of output letters or None. Received: "
                              f"bias_axes={bias_axes!r}")
        if lora_rank:
            raise ConfigError(f"{where}: low-rank adaptation (`lora_rank`) is not part of kcore's EinsumDense. "
                              f"Received: lora_rank={lora_rank!r}; leave it None.")
        self.bias_axes = bias_axes
        self.activation = get_activation(activation, f"{where}: `activation`")
        for name, value in zip(_WEIGHT_ARGUMENTS, (kernel_initializer, bias_initializer, kernel_regularizer,
                                                   bias_regularizer, kernel_constraint, bias_constraint), strict=True):
            setattr(self, name, resolve(name.rpartition("_")[2], value, f"{where}: `{name}`"))
        self.activity_regularizer = resolve("regularizer", activity_regularizer, f"{where}: `activity_regularizer`")
        self.kernel = self.bias = None
        self._input_rank = None

    def build(self, input_shape):
        kernel_shape, bias_shape, _ = einsum_shapes.analyze(self.equation, self.bias_axes, input_shape,
                                                            self.partial_output_shape, checks.describe(self))
        self._input_rank = len(input_shape)
        self.kernel = self.add_weight(shape=kernel_shape, initializer=self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if bias_shape is not None:
            self.bias = self.add_weight(shape=bias_shape, initializer=self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def call(self, inputs):
        if len(inputs.shape) != self._input_rank:
            raise ShapeError(f"{checks.describe(self)} was built for inputs of rank {self._input_rank} (equation "
                             f"{self.equation!r}); received shape {tuple(inputs.shape)}.")
        outputs = ops.einsum(self.equation, checks.floating(inputs, self.dtype), self.kernel)
        if self.bias is not None:
            outputs = ops.add(outputs, self.bias)
        outputs = self.activation(outputs)
        if self.activity_regularizer is not None:
            self.add_activity_loss(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return einsum_shapes.analyze(self.equation, self.bias_axes, input_shape, self.partial_output_shape,
                                     checks.describe(self))[2]

    def get_config(self):
        config = {**super().get_config(), "output_shape": list(self.partial_output_shape),
                  "equation": self.equation, "activation": serialize(self.activation, "activation"),
                  "bias_axes": self.bias_axes,
                  "activity_regularizer": serialize(self.activity_regularizer, "regularizer")}
        for name in _WEIGHT_ARGUMENTS:
            config[name] = serialize(getattr(self, name), name.rpartition("_")[2])
        return config
