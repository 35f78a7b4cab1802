"""The tail that Dense and the convolution layers share, `activation(outputs + bias)`, done in place on the
layer's fresh output: when nothing records gradients (inference) for the activations of `IN_PLACE`, and under a
`GradientTape` for relu (`bias_relu`, one recorded op), which saves two arrays and an op call per layer and step.
Any other activation under a tape is the plain composition of ops, whose gradients the tape records.

Example:
    >>> bias_and_activation(np.array([[-2.0, 1.0]], "float32"), None, activations.relu)
    array([[0., 1.]], dtype=float32)
"""

from kcore import ops
from kcore.autodiff import recording
from kcore.backend import active
from kcore.ops.op import op, unbroadcast
from kcore_layers_core import activations


def _relu(xp, x):
    return xp.maximum(x, 0, out=x)


def _softmax(xp, x):
    activations._warn_single_class(x, -1)
    x -= x.max(axis=-1, keepdims=True)  # the array's methods: the same reductions as xp.max's, at half the cost
    xp.exp(x, out=x)
    x /= x.sum(axis=-1, keepdims=True)
    return x


#: activation function -> its in-place form `(xp, x) -> x`, for the activations with their default arguments
IN_PLACE = {activations.relu: _relu, activations.softmax: _softmax, activations.linear: lambda xp, x: x}


@op(inputs=2)
def bias_relu(xp, outputs, bias, overwrite=False):
    """relu(outputs + bias) for a `bias` along the last axis. With `overwrite`, written over `outputs`: the
    caller must have just made it, and no VJP may read it (true of a matrix product's or a convolution's result,
    whose VJPs read their inputs). On NumPy the kernel `numpy.bias_relu` (`fused_native.py`) runs it in C.

    Example:
        >>> bias_relu(np.array([[-2.0, 1.0]], "float32"), np.array([1.0, 1.0], "float32"))
        array([[0., 2.]], dtype=float32)
    """
    y = xp.add(outputs, bias, out=outputs if overwrite else None)
    xp.maximum(y, 0, out=y)
    return y, relu_vjps(xp, y, bias, lambda g: xp.multiply(g, y > 0))


def relu_vjps(xp, y, bias, through_relu):
    """The VJPs of `bias_relu`'s two inputs, sharing `through_relu(g)` (computed once per backward pass)."""
    through = {}

    def d_outputs(g):
        if through.get("g") is not g:
            through["g"], through["grad"] = g, through_relu(g)
        return through["grad"]

    return d_outputs, lambda g: unbroadcast(d_outputs(g), bias)


def bias_and_activation(outputs, bias, activation, bias_shape=None):
    """`activation(outputs + bias)`; `outputs` must be an array the caller just made (it may be overwritten) by
    an op whose VJPs do not read its value. `bias` is a Variable or None, reshaped to `bias_shape` when given
    (channels_first)."""
    if recording.depth and activation is activations.relu and bias is not None and bias_shape is None:
        value = getattr(outputs, "value", outputs)
        if type(value) is active.xp.ndarray and value.ndim and value.dtype == bias.value.dtype:
            return bias_relu(outputs, bias, overwrite=True)
    in_place = IN_PLACE.get(activation)
    if in_place is not None and not recording.depth and outputs.ndim and type(outputs) is active.xp.ndarray:
        if activation is activations.relu and bias is not None and bias_shape is None:
            return bias_relu(outputs, bias, overwrite=True)
        if bias is None:
            return in_place(active.xp, outputs)
        value = bias.value if bias_shape is None else bias.value.reshape(bias_shape)
        if value.dtype == outputs.dtype:
            outputs += value
            return in_place(active.xp, outputs)
    if bias is not None:
        outputs = ops.add(outputs, bias if bias_shape is None else ops.reshape(bias, bias_shape))
    return activation(outputs)
