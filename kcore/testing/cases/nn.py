"""Test cases for kcore/ops/nn.py: references written directly from the definitions, in float64."""

import math

import numpy as np
from hypothesis import strategies as st

from kcore.testing import OpCase
from kcore.testing import strategies as s

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805
_EPSILON = 1e-7  # kcore.config.epsilon()'s default, which the losses clip with


def _unary_with(low=-3.0, high=3.0, away_from=(), **params):
    """Calls `(x,), kwargs` with each keyword drawn from its strategy."""

    @st.composite
    def call(draw):
        x = draw(s.arrays(s.shapes(), low, high, away_from))
        return (x,), {name: draw(strategy) for name, strategy in params.items()}

    return call()


@st.composite
def _along_axis(draw, low=-3.0, high=3.0, allow_none=True):
    """Calls `(x,), {"axis": ...}` for softmax-like ops: an int, a tuple of axes, or None."""
    shape = draw(s.shapes(min_dims=1))
    return (draw(s.arrays(shape, low, high)),), {"axis": draw(s.axes(len(shape), allow_none=allow_none))}


@st.composite
def _categorical(draw):
    """Calls `(target, output), {from_logits, axis}`: probabilities (or logits) strictly inside (0, 1)."""
    shape = draw(s.shapes(min_dims=1))
    from_logits = draw(st.booleans())
    target = draw(s.arrays(shape, 0.0, 1.0))
    output = draw(s.arrays(shape, -3.0, 3.0) if from_logits else s.arrays(shape, 0.05, 0.95))
    return (target, output), {"from_logits": from_logits, "axis": draw(s.axis(len(shape)))}


@st.composite
def _sparse_categorical(draw):
    """Calls `(labels, output), {from_logits, axis}` with integer labels in range."""
    shape = draw(s.shapes(min_dims=1))
    axis = draw(s.axis(len(shape)))
    from_logits = draw(st.booleans())
    output = draw(s.arrays(shape, -3.0, 3.0) if from_logits else s.arrays(shape, 0.05, 0.95))
    label_shape = shape[:axis % len(shape)] + shape[axis % len(shape) + 1:]
    labels = np.asarray(draw(st.lists(st.integers(0, shape[axis] - 1), min_size=math.prod(label_shape),
                                      max_size=math.prod(label_shape)))).reshape(label_shape)
    return (labels, output), {"from_logits": from_logits, "axis": axis}


@st.composite
def _binary(draw):
    shape = draw(s.shapes())
    from_logits = draw(st.booleans())
    target = draw(s.arrays(shape, 0.0, 1.0))
    output = draw(s.arrays(shape, -3.0, 3.0) if from_logits else s.arrays(shape, 0.05, 0.95))
    return (target, output), {"from_logits": from_logits}


def _gelu(x, approximate=True):
    if approximate:
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    return x * 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def _softmax(x, axis=-1):
    return np.exp(x) / np.sum(np.exp(x), axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    return x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))


def _hard_sigmoid(x):
    return np.minimum(np.maximum(x + 3, 0), 6) / 6


def _categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if from_logits:
        probabilities = _softmax(output, axis)
    else:
        probabilities = np.clip(output / np.sum(output, axis=axis, keepdims=True), _EPSILON, 1 - _EPSILON)
    return -np.sum(target * np.log(probabilities), axis=axis)


def _sparse_categorical_crossentropy(labels, output, from_logits=False, axis=-1):
    classes = output.shape[axis]
    one_hot = np.moveaxis(np.eye(classes)[labels], -1, axis)
    return _categorical_crossentropy(one_hot, output, from_logits, axis)


def _binary_crossentropy(target, output, from_logits=False):
    p = 1 / (1 + np.exp(-output)) if from_logits else np.clip(output, _EPSILON, 1 - _EPSILON)
    return -(target * np.log(p) + (1 - target) * np.log(1 - p))


CASES = [
    OpCase("relu", s.unary(away_from=(0,)), lambda x: np.maximum(x, 0)),
    OpCase("relu6", s.unary(low=-3.0, high=8.0, away_from=(0, 6)), lambda x: np.minimum(np.maximum(x, 0), 6)),
    OpCase("leaky_relu", _unary_with(away_from=(0,), negative_slope=st.floats(0.0, 1.0)),
           lambda x, negative_slope=0.2: np.where(x > 0, x, negative_slope * x)),
    OpCase("elu", _unary_with(away_from=(0,), alpha=st.floats(0.1, 2.0)),
           lambda x, alpha=1.0: np.where(x > 0, x, alpha * (np.exp(x) - 1))),
    OpCase("selu", s.unary(away_from=(0,)),
           lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * (np.exp(x) - 1))),
    # the exact form's erf is a fit (fractional error 1.2e-7): its slope differs from exp(-x^2) by more
    OpCase("gelu", _unary_with(approximate=st.booleans()), _gelu, rtol=1e-3, atol=1e-6),
    OpCase("sigmoid", s.unary(), lambda x: 1 / (1 + np.exp(-x))),
    OpCase("hard_sigmoid", s.unary(low=-5.0, high=5.0, away_from=(-3, 3)), _hard_sigmoid),
    OpCase("hard_silu", s.unary(low=-5.0, high=5.0, away_from=(-3, 3)), lambda x: x * _hard_sigmoid(x)),
    OpCase("tanh", s.unary(), np.tanh),
    OpCase("softplus", s.unary(), lambda x: np.log(1 + np.exp(x))),
    OpCase("softsign", s.unary(), lambda x: x / (1 + np.abs(x))),
    OpCase("silu", s.unary(), lambda x: x / (1 + np.exp(-x))),
    OpCase("log_sigmoid", s.unary(), lambda x: -np.log(1 + np.exp(-x))),
    OpCase("softmax", _along_axis(), _softmax),
    OpCase("log_softmax", _along_axis(), _log_softmax),
    OpCase("categorical_crossentropy", _categorical(), _categorical_crossentropy),
    OpCase("sparse_categorical_crossentropy", _sparse_categorical(), _sparse_categorical_crossentropy),
    OpCase("binary_crossentropy", _binary(), _binary_crossentropy),
]
