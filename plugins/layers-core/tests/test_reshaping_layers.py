"""Flatten, Reshape, Permute and RepeatVector against NumPy, and their errors."""

import numpy as np
import pytest

from kcore import layers
from kcore.errors import ConfigError, ShapeError


def _x(*shape):
    return np.arange(np.prod(shape), dtype="float32").reshape(shape)


def test_flatten_keeps_the_batch_axis_and_numpy_order():
    x = _x(2, 3, 4)
    np.testing.assert_array_equal(layers.Flatten()(x), x.reshape(2, 12))


def test_flatten_channels_first_moves_channels_last_before_flattening():
    x = _x(2, 3, 2, 2)  # (batch, channels, rows, cols)
    np.testing.assert_array_equal(layers.Flatten(data_format="channels_first")(x),
                                  x.transpose(0, 2, 3, 1).reshape(2, 12))


def test_flatten_of_symbolic_inputs_with_an_unknown_axis_is_unknown():
    assert layers.Flatten()(layers.Input(batch_shape=(None, None, 3))).shape == (None, None)


def test_reshape_infers_the_minus_one_entry():
    x = _x(2, 3, 4)
    out = layers.Reshape((-1, 2))(x)
    np.testing.assert_array_equal(out, x.reshape(2, 6, 2))
    assert layers.Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)


@pytest.mark.parametrize("target", [(5,), (-1, 5)])
def test_reshape_to_an_incompatible_size_names_the_layer_and_both_shapes(target):
    with pytest.raises(ShapeError, match=r"Reshape '.*'.*\(12,\).*target_shape=" + str(target).replace("(", r"\(")
                       .replace(")", r"\)")):
        layers.Reshape(target)(_x(2, 12))


@pytest.mark.parametrize("target", [(0, 3), (-1, -1), "12", (2.0, 6)])
def test_reshape_rejects_a_bad_target_shape(target):
    with pytest.raises(ConfigError, match=r"Reshape '.*'.*target_shape"):
        layers.Reshape(target)


def test_permute_is_numpy_transpose_with_one_based_axes():
    x = _x(2, 3, 4, 5)
    np.testing.assert_array_equal(layers.Permute((3, 1, 2))(x), x.transpose(0, 3, 1, 2))


@pytest.mark.parametrize("dims", [(0, 1), (1, 1), (1, 3)])
def test_permute_rejects_dims_that_are_not_a_permutation_of_one_to_n(dims):
    with pytest.raises(ConfigError, match=r"Permute '.*'.*dims="):
        layers.Permute(dims)


def test_repeat_vector_repeats_each_sample_along_a_new_axis():
    x = _x(2, 3)
    np.testing.assert_array_equal(layers.RepeatVector(4)(x), np.repeat(x[:, None, :], 4, axis=1))


def test_repeat_vector_needs_rank_two_inputs():
    with pytest.raises(ShapeError, match=r"RepeatVector '.*' expects inputs of rank 2 \(batch, features\)"):
        layers.RepeatVector(2)(_x(2, 3, 4))
