"""The property-test cases (kcore.testing.OpCase) of this distribution's ops, run by kcore's
tests/test_op_gradients.py: every drawn call's gradients against finite differences, and float32 kept.

Each strategy draws the whole space the op accepts, kept tiny for finite differences: 1D, 2D and 3D inputs,
both data formats, odd sizes, strides, dilations, "valid"/"same" (and "causal" for 1D `conv`), groups, and
int-or-tuple spellings of every window argument. Max pooling draws distinct values, so no tie sits within a
finite-difference step.
"""

import math

from hypothesis import assume
from hypothesis import strategies as st

from kcore.testing import OpCase
from kcore.testing import strategies as s
from kcore_layers_conv.ops.geometry import transpose_output_length

FORMATS = ("channels_last", "channels_first")


def _spelled(draw, values):
    """A per-axis tuple, sometimes spelled as one int when every axis agrees (both are accepted)."""
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return tuple(values) if draw(st.booleans()) else list(values)


@st.composite
def windows(draw, max_kernel=3, causal=False, dilate=True):
    """(rank, data_format, kernel, strides, dilations, padding, spatial lengths), small enough for rank 3."""
    rank = draw(st.integers(1, 3))
    small = rank == 3
    kernel = tuple(draw(st.integers(1, 2 if small else max_kernel)) for _ in range(rank))
    strides = tuple(draw(st.integers(1, 2 if small else 3)) for _ in range(rank))
    dilations = tuple(draw(st.integers(1, 1 if small or not dilate else 2)) for _ in range(rank))
    paddings = ["valid", "same"] + (["causal"] if causal and rank == 1 else [])
    padding = draw(st.sampled_from(paddings))
    spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilations, strict=True)]
    spatial = tuple(draw(st.integers(span, span + (1 if small else 3))) for span in spans)
    return rank, draw(st.sampled_from(FORMATS)), kernel, strides, dilations, padding, spatial


def _inputs(draw, batch, spatial, channels, data_format, unique=False):
    shape = (batch, *spatial, channels) if data_format == "channels_last" else (batch, channels, *spatial)
    return draw(s.arrays(shape, -2.0, 2.0, unique=unique, gap=1e-2))


@st.composite
def conv_calls(draw):
    _, fmt, kernel, strides, dilations, padding, spatial = draw(windows(causal=True))
    groups = draw(st.sampled_from([1, 1, 2]))
    channels, filters = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    x = _inputs(draw, draw(st.integers(1, 2)), spatial, channels, fmt)
    k = draw(s.arrays((*kernel, channels // groups, filters), -1.0, 1.0))
    return (x, k), {"strides": _spelled(draw, strides), "padding": padding, "data_format": fmt,
                    "dilation_rate": _spelled(draw, dilations)}


@st.composite
def depthwise_calls(draw):
    _, fmt, kernel, strides, dilations, padding, spatial = draw(windows())
    channels, multiplier = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    x = _inputs(draw, draw(st.integers(1, 2)), spatial, channels, fmt)
    k = draw(s.arrays((*kernel, channels, multiplier), -1.0, 1.0))
    return (x, k), {"strides": _spelled(draw, strides), "padding": padding, "data_format": fmt,
                    "dilation_rate": _spelled(draw, dilations)}


@st.composite
def separable_calls(draw):
    (x, depthwise), kwargs = draw(depthwise_calls())
    rank, channels = x.ndim - 2, depthwise.shape[-2] * depthwise.shape[-1]
    pointwise = draw(s.arrays((*(1,) * rank, channels, draw(st.integers(1, 3))), -1.0, 1.0))
    return (x, depthwise, pointwise), kwargs


@st.composite
def conv_transpose_calls(draw):
    rank, fmt, kernel, strides, dilations, padding, _ = draw(windows(dilate=False))
    spatial = tuple(draw(st.integers(1, 2 if rank == 3 else 3)) for _ in range(rank))
    channels, filters = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    x = _inputs(draw, draw(st.integers(1, 2)), spatial, channels, fmt)
    k = draw(s.arrays((*kernel, filters, channels), -1.0, 1.0))
    output_padding = None
    if draw(st.booleans()):
        output_padding = tuple(draw(st.integers(0, stride - 1)) for stride in strides)
    if draw(st.booleans()) and max(strides) == 1:  # dilation is drawn only where strides are 1, as Keras allows
        dilations = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    extras = output_padding or (None,) * rank
    lengths = [transpose_output_length(*args, padding, extra) for *args, extra in
               zip(spatial, kernel, strides, dilations, extras, strict=True)]
    assume(min(lengths) > 0)  # an output_padding of 0 can leave nothing, as in Keras
    return (x, k), {"strides": _spelled(draw, strides), "padding": padding, "output_padding": output_padding,
                    "data_format": fmt, "dilation_rate": _spelled(draw, dilations)}


@st.composite
def pool_calls(draw, unique):
    _, fmt, pool, strides, _, padding, spatial = draw(windows(dilate=False))
    x = _inputs(draw, draw(st.integers(1, 2)), spatial, draw(st.integers(1, 2)), fmt, unique=unique)
    kwargs = {"strides": None if draw(st.booleans()) else _spelled(draw, strides), "padding": padding,
              "data_format": fmt}
    return (x, _spelled(draw, pool)), kwargs


def _small(call):
    """Whether a drawn call is small enough for a finite-difference check (each element costs two calls)."""
    (args, _) = call
    return sum(math.prod(a.shape) for a in args if hasattr(a, "shape")) <= 400


OP_CASES = [
    OpCase("conv", conv_calls().filter(_small)),
    OpCase("depthwise_conv", depthwise_calls().filter(_small)),
    OpCase("separable_conv", separable_calls().filter(_small)),
    OpCase("conv_transpose", conv_transpose_calls().filter(_small)),
    OpCase("max_pool", pool_calls(unique=True).filter(_small)),
    OpCase("average_pool", pool_calls(unique=False).filter(_small)),
]
