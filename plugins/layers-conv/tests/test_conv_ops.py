"""The convolution ops against direct summation over output positions (written here, independently of the
im2col/GEMM implementation), against known values of Keras's padding rules, and against finite differences."""

import dataclasses
import itertools
import math

import numpy as np
import pytest
from kcore_layers_conv.cases.ops import OP_CASES

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore.testing import check_op_case

# -- references: loops over output positions and kernel taps, float64 ------------------------------------


def _per_axis(value, rank):
    return (value,) * rank if isinstance(value, int) else tuple(value)


def _channels_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, 1, -1)


def _back(y, data_format):
    return y if data_format == "channels_last" else np.moveaxis(y, -1, 1)


def _pad_before(n, k, s, d, padding):
    """Keras/TensorFlow: "same" pads max((ceil(n/s)-1)*s + (k-1)*d + 1 - n, 0), the extra one at the end."""
    span = (k - 1) * d + 1
    if padding == "valid":
        return 0, (n - span) // s + 1
    if padding == "causal":
        return span - 1, math.ceil(n / s)
    out = math.ceil(n / s)
    return max((out - 1) * s + span - n, 0) // 2, out


def reference_conv(x, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    x = _channels_last(np.asarray(x, np.float64), data_format)
    rank = x.ndim - 2
    strides, dilations = _per_axis(strides, rank), _per_axis(dilation_rate, rank)
    *sizes, per_group, filters = kernel.shape
    groups = x.shape[-1] // per_group
    geometry = [_pad_before(n, k, s, d, padding)
                for n, k, s, d in zip(x.shape[1:-1], sizes, strides, dilations, strict=True)]
    y = np.zeros((x.shape[0], *(out for _, out in geometry), filters))
    for o in itertools.product(*(range(out) for _, out in geometry)):
        for t in itertools.product(*(range(k) for k in sizes)):
            at = [oi * s + ti * d - before for oi, ti, s, d, (before, _) in
                  zip(o, t, strides, dilations, geometry, strict=True)]
            if not all(0 <= a < n for a, n in zip(at, x.shape[1:-1], strict=True)):
                continue  # a zero of the padding
            for f in range(filters):
                g = f // (filters // groups)
                y[(slice(None), *o, f)] += x[(slice(None), *at, slice(g * per_group, (g + 1) * per_group))] @ \
                    kernel[(*t, slice(None), f)]
    return _back(y, data_format)


def reference_depthwise_conv(x, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    x = _channels_last(np.asarray(x, np.float64), data_format)
    channels = kernel.shape[-2]
    outputs = [reference_conv(x[..., c:c + 1], kernel[..., c:c + 1, :], strides, padding, "channels_last",
                              dilation_rate) for c in range(channels)]
    return _back(np.concatenate(outputs, axis=-1), data_format)  # channel c's multipliers side by side


def reference_separable_conv(x, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                             data_format="channels_last", dilation_rate=1):
    middle = reference_depthwise_conv(x, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return reference_conv(middle, pointwise_kernel, 1, "valid", data_format)


def reference_conv_transpose(x, kernel, strides=1, padding="valid", output_padding=None,
                             data_format="channels_last", dilation_rate=1):
    """Each input position spreads `x[i] @ kernel[t].T` to `i * stride + t * dilation`, then the result is
    cropped to Keras's output: `left` is how far the padded, stride-dilated input reaches before position 0."""
    x = _channels_last(np.asarray(x, np.float64), data_format)
    rank = x.ndim - 2
    strides, dilations = _per_axis(strides, rank), _per_axis(dilation_rate, rank)
    extras = (None,) * rank if output_padding is None else _per_axis(output_padding, rank)
    *sizes, filters, _ = kernel.shape
    starts, lengths = [], []
    for n, k, s, d, extra in zip(x.shape[1:-1], sizes, strides, dilations, extras, strict=True):
        span = (k - 1) * d + 1
        if padding == "valid":
            left, right = span - 1, span - 1 + (max(span, s) - span if extra is None else extra)
        else:
            total = s + span - 2 if extra is None else span + span % 2 - 2 + extra
            left = min(math.ceil(total / 2), span - 1)
            right = total - left
        starts.append(span - 1 - left)
        lengths.append((n - 1) * s + 1 + left + right - span + 1)
    y = np.zeros((x.shape[0], *lengths, filters))
    for i in itertools.product(*(range(n) for n in x.shape[1:-1])):
        for t in itertools.product(*(range(k) for k in sizes)):
            at = [ii * s + ti * d - start for ii, ti, s, d, start in zip(i, t, strides, dilations, starts,
                                                                         strict=True)]
            if all(0 <= a < n for a, n in zip(at, lengths, strict=True)):
                y[(slice(None), *at)] += x[(slice(None), *i)] @ kernel[t].T
    return _back(y, data_format)


REFERENCES = {"conv": reference_conv, "depthwise_conv": reference_depthwise_conv,
              "separable_conv": reference_separable_conv, "conv_transpose": reference_conv_transpose}
CASES = {case.op: case for case in OP_CASES}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_op_matches_direct_summation_and_finite_differences_on_drawn_calls(name):
    check_op_case(dataclasses.replace(CASES[name], reference=REFERENCES[name]))


# -- known values -------------------------------------------------------------------------------------------


def test_same_padding_with_strides_pads_the_odd_pixel_at_the_end_as_keras_does():
    kernel = np.ones((3, 1, 1), "float32")
    five = np.arange(1, 6, dtype="float32").reshape(1, 5, 1)
    six = np.arange(1, 7, dtype="float32").reshape(1, 6, 1)
    assert ops.conv(five, kernel, strides=2, padding="same").ravel().tolist() == [3, 9, 9]  # pads (1, 1)
    assert ops.conv(six, kernel, strides=2, padding="same").ravel().tolist() == [6, 12, 11]  # pads (0, 1)


def test_causal_padding_looks_only_at_the_past():
    x = np.arange(1, 6, dtype="float32").reshape(1, 5, 1)
    out = ops.conv(x, np.ones((2, 1, 1), "float32"), padding="causal", dilation_rate=2)
    assert out.ravel().tolist() == [1, 2, 4, 6, 8]  # x[t] + x[t - 2]


def test_conv_works_in_float32_without_upcasting():
    x, k = np.ones((2, 6, 6, 3), "float32"), np.ones((3, 3, 3, 4), "float32")
    assert ops.conv(x, k).dtype == np.float32
    assert ops.conv_transpose(x, np.ones((3, 3, 2, 3), "float32"), strides=2).dtype == np.float32


def test_groups_follow_from_the_kernel_shape_and_split_channels_and_filters():
    rng = np.random.default_rng(0)
    x, k = rng.standard_normal((2, 5, 5, 4)), rng.standard_normal((3, 3, 2, 6))
    grouped = ops.conv(x, k, padding="same")
    first = ops.conv(x[..., :2], k[..., :3], padding="same")
    second = ops.conv(x[..., 2:], k[..., 3:], padding="same")
    np.testing.assert_allclose(grouped, np.concatenate([first, second], axis=-1), rtol=1e-12)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides", [1, 2, 3])
def test_conv_transpose_is_the_adjoint_of_conv(padding, strides):
    """<conv(y, k), x> = <y, conv_transpose(x, k)>: the transposed convolution is exactly conv's transpose."""
    rng = np.random.default_rng(strides)
    x, k = rng.standard_normal((2, 4, 3, 3)), rng.standard_normal((3, 2, 5, 3))  # k: (*size, conv_in, conv_out)
    transposed = ops.conv_transpose(x, k, strides=strides, padding=padding)
    y = rng.standard_normal(transposed.shape)
    forward = ops.conv(y, k, strides=strides, padding=padding)
    assert forward.shape == x.shape
    np.testing.assert_allclose(np.sum(forward * x), np.sum(y * transposed), rtol=1e-10)


def test_conv_rejects_a_kernel_whose_channels_do_not_divide_the_inputs():
    with pytest.raises(ShapeError, match=r"\(3, 3, 3, 4\).*5 channels"):
        ops.conv(np.ones((1, 6, 6, 5), "float32"), np.ones((3, 3, 3, 4), "float32"))


def test_conv_rejects_a_window_larger_than_a_valid_input():
    with pytest.raises(ShapeError, match="does not fit"):
        ops.conv(np.ones((1, 2, 2, 1), "float32"), np.ones((3, 3, 1, 1), "float32"))


def test_conv_rejects_unknown_padding_and_bad_strides():
    x, k = np.ones((1, 5, 5, 1), "float32"), np.ones((3, 3, 1, 1), "float32")
    with pytest.raises(ConfigError, match="padding"):
        ops.conv(x, k, padding="full")
    with pytest.raises(ConfigError, match="strides"):
        ops.conv(x, k, strides=(1, 0))
    with pytest.raises(ShapeError, match="causal"):
        ops.conv(x, k, padding="causal")
