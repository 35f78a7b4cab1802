"""Masks from Masking and Embedding(mask_zero=True): a masked timestep keeps the previous states and outputs the
previous output, so padding changes nothing."""

import numpy as np
import pytest

from kcore import Model, Sequential, layers

RNG = np.random.default_rng(0)


def _copy(layer, x):
    """A fresh layer of the same config and weights, for running unpadded data through."""
    clone = type(layer).from_config(layer.get_config())
    clone(x)
    clone.set_weights(layer.get_weights())
    return clone


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("padding", ["pre", "post"])
def test_padded_timesteps_behind_masking_change_neither_the_output_nor_the_states(kind, padding):
    real = RNG.standard_normal((1, 3, 2)).astype("float32")
    pad = np.zeros((1, 2, 2), "float32")
    padded = np.concatenate([pad, real] if padding == "pre" else [real, pad], axis=1)
    rnn = getattr(layers, kind)(4, return_state=True)
    model = Sequential([layers.Input(shape=(5, 2)), layers.Masking(0.0), rnn])
    got = model(padded)
    expected = _copy(rnn, real)(real)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-5, atol=1e-6)


def test_masked_timesteps_repeat_the_previous_output_in_the_sequence():
    x = RNG.standard_normal((2, 4, 3)).astype("float32")
    mask = np.array([[True, False, True, False], [False, True, True, True]])
    layer = layers.LSTM(3, return_sequences=True)
    out = np.asarray(layer(x, mask=mask))
    np.testing.assert_array_equal(out[0, 1], out[0, 0])
    np.testing.assert_array_equal(out[0, 3], out[0, 2])
    np.testing.assert_array_equal(out[1, 0], 0.0)  # the previous output of the first step: the initial h
    zeros = layers.LSTM(3, return_sequences=True, zero_output_for_mask=True)
    zeros(x)
    zeros.set_weights(layer.get_weights())
    out_zeros = np.asarray(zeros(x, mask=mask))
    np.testing.assert_array_equal(out_zeros[~mask], 0.0)
    np.testing.assert_array_equal(out_zeros[mask], out[mask])


def test_the_mask_flows_through_stacked_lstms_in_a_functional_model():
    inputs = layers.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(7, 3, mask_zero=True)(inputs)
    x = layers.LSTM(4, return_sequences=True)(x)
    outputs = layers.GRU(2)(x)
    model = Model(inputs, outputs)
    tokens = np.array([[3, 5, 1, 0, 0, 0]], "int32")
    np.testing.assert_allclose(np.asarray(model(tokens)), np.asarray(model(tokens[:, :3])), rtol=1e-5, atol=1e-6)


def test_compute_mask_passes_the_mask_on_only_with_sequences():
    mask = np.array([[True, False]])
    x = np.ones((1, 2, 1), "float32")
    assert layers.LSTM(2, return_sequences=True).compute_mask(x, mask) is mask
    assert layers.LSTM(2).compute_mask(x, mask) is None
    assert layers.LSTM(2, return_state=True, return_sequences=True).compute_mask(x, mask) == [mask, None, None]
    assert layers.LSTM(2, return_sequences=True).compute_mask(x, None) is None


def test_an_integer_mask_is_read_as_booleans():
    x = RNG.standard_normal((1, 3, 2)).astype("float32")
    layer = layers.GRU(2)
    np.testing.assert_array_equal(np.asarray(layer(x, mask=np.array([[1, 1, 0]]))),
                                  np.asarray(layer(x, mask=np.array([[True, True, False]]))))
