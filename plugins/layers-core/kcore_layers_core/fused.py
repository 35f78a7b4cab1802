"""The tail that Dense and the convolution layers share, `activation(outputs + bias)`, done in place on the
layer's fresh output when nothing records gradients (inference), which saves an array and an op call per step.

Under a `GradientTape` it is the plain composition of ops, whose gradients the tape records.

Example:
    >>> bias_and_activation(np.array([[-2.0, 1.0]], "float32"), None, activations.relu)
    array([[0., 1.]], dtype=float32)
"""

from kcore import ops
from kcore.autodiff import recording
from kcore.backend import active
from kcore_layers_core import activations


def _relu(xp, x):
    return xp.maximum(x, 0, out=x)


def _softmax(xp, x):
    activations._warn_single_class(x, -1)
    x -= xp.max(x, axis=-1, keepdims=True)
    xp.exp(x, out=x)
    x /= xp.sum(x, axis=-1, keepdims=True)
    return x


#: activation function -> its in-place form `(xp, x) -> x`, for the activations with their default arguments
IN_PLACE = {activations.relu: _relu, activations.softmax: _softmax, activations.linear: lambda xp, x: x}


def bias_and_activation(outputs, bias, activation, bias_shape=None):
    """`activation(outputs + bias)`; `outputs` must be an array the caller just made (it may be overwritten).
    `bias` is a Variable or None, reshaped to `bias_shape` when given (channels_first)."""
    in_place = IN_PLACE.get(activation)
    if in_place is not None and not recording.depth and outputs.ndim and type(outputs) is active.xp.ndarray:
        if bias is None:
            return in_place(active.xp, outputs)
        value = bias.value if bias_shape is None else bias.value.reshape(bias_shape)
        if value.dtype == outputs.dtype:
            outputs += value
            return in_place(active.xp, outputs)
    if bias is not None:
        outputs = ops.add(outputs, bias if bias_shape is None else ops.reshape(bias, bias_shape))
    return activation(outputs)
