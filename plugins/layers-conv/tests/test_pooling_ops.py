"""The pooling ops against loops over output positions (written here), known values, and finite differences."""

import dataclasses
import itertools
import math

import numpy as np
import pytest
from kcore_layers_conv.cases.ops import OP_CASES

from kcore import ops
from kcore.autodiff import GradientTape
from kcore.testing import check_op_case


def _reference_pool(reduce, x, pool_size, strides=None, padding="valid", data_format="channels_last"):
    """`reduce` over the input positions of each window (padding positions are left out)."""
    x = np.asarray(x, np.float64)
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    rank = x.ndim - 2
    pool = (pool_size,) * rank if isinstance(pool_size, int) else tuple(pool_size)
    strides = pool if strides is None else (strides,) * rank if isinstance(strides, int) else tuple(strides)
    starts, outs = [], []
    for n, k, s in zip(x.shape[1:-1], pool, strides, strict=True):
        if padding == "valid":
            starts.append(0)
            outs.append((n - k) // s + 1)
        else:
            out = math.ceil(n / s)
            starts.append(-(max((out - 1) * s + k - n, 0) // 2))
            outs.append(out)
    y = np.zeros((x.shape[0], *outs, x.shape[-1]))
    for o in itertools.product(*(range(n) for n in outs)):
        ranges = [range(max(oi * s + b, 0), min(oi * s + b + k, n)) for oi, s, b, k, n in
                  zip(o, strides, starts, pool, x.shape[1:-1], strict=True)]
        window = np.stack([x[(slice(None), *at)] for at in itertools.product(*ranges)], axis=1)
        y[(slice(None), *o)] = reduce(window, axis=1)
    return y if data_format == "channels_last" else np.moveaxis(y, -1, 1)


def reference_max_pool(x, pool_size, strides=None, padding="valid", data_format="channels_last"):
    return _reference_pool(np.max, x, pool_size, strides, padding, data_format)


def reference_average_pool(x, pool_size, strides=None, padding="valid", data_format="channels_last"):
    return _reference_pool(np.mean, x, pool_size, strides, padding, data_format)


REFERENCES = {"max_pool": reference_max_pool, "average_pool": reference_average_pool}
CASES = {case.op: case for case in OP_CASES}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_pooling_matches_window_loops_and_finite_differences_on_drawn_calls(name):
    check_op_case(dataclasses.replace(CASES[name], reference=REFERENCES[name]))


def test_max_pool_sends_a_tied_gradient_to_the_first_maximum_only():
    x = np.array([[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 5.0, 5.0]], "float32").reshape(1, 2, 4, 1)
    with GradientTape() as tape:
        watched = tape.watch(x)
        out = ops.max_pool(watched, 2)
    grad = np.asarray(tape.gradient(out, watched)).reshape(2, 4)
    assert np.asarray(out).ravel().tolist() == [3.0, 5.0]
    assert grad.tolist() == [[0, 1, 0, 0], [0, 0, 1, 0]]


def test_average_pool_with_same_padding_averages_only_real_inputs():
    x = np.arange(1, 10, dtype="float32").reshape(1, 3, 3, 1)
    out = np.asarray(ops.average_pool(x, 2, strides=2, padding="same"))[0, :, :, 0]
    np.testing.assert_allclose(out, [[3.0, 4.5], [7.5, 9.0]])  # windows of 4, 2, 2 and 1 inputs


def test_max_pool_with_same_padding_never_picks_the_padding():
    x = -np.arange(1, 10, dtype="float32").reshape(1, 3, 3, 1)
    out = np.asarray(ops.max_pool(x, 3, strides=1, padding="same"))[0, :, :, 0]
    np.testing.assert_array_equal(out, [[-1, -1, -2], [-1, -1, -2], [-4, -4, -5]])


def test_overlapping_windows_add_their_gradients():
    x = np.arange(5, dtype="float64").reshape(1, 5, 1)
    with GradientTape() as tape:
        watched = tape.watch(x)
        out = ops.average_pool(watched, 3, strides=1)
    grad = np.asarray(tape.gradient(out, watched)).ravel()
    np.testing.assert_allclose(grad, np.array([1, 2, 3, 2, 1]) / 3)


def test_pooling_keeps_float32_and_channels_first_layout():
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype("float32")
    out = ops.max_pool(x, 2, data_format="channels_first")
    assert out.dtype == np.float32 and out.shape == (2, 3, 3, 3)
    np.testing.assert_array_equal(out, np.moveaxis(ops.max_pool(np.moveaxis(x, 1, -1), 2), -1, 1))
