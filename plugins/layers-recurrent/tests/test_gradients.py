"""Gradients that the conformance cases cannot reach: through returned states, into initial states, across the
batches of a stateful layer, and the fused ops against the step-by-step loop of the same cell."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcore import GradientTape, layers, ops
from kcore.testing import check_gradients


def _joined(outputs):
    outputs = outputs if isinstance(outputs, list) else [outputs]
    return ops.concatenate([ops.reshape(o, (-1,)) for o in outputs], axis=0)


def _float64(layer, batch=2, time=4, features=3):
    layer(np.zeros((batch, time, features)))
    return layer


@settings(max_examples=10, deadline=None)
@given(kind=st.sampled_from(["LSTM", "GRU", "SimpleRNN"]), go_backwards=st.booleans(),
       return_sequences=st.booleans(), masked=st.booleans(), seed=st.integers(0, 2**16))
def test_gradients_flow_through_outputs_states_and_initial_states(kind, go_backwards, return_sequences, masked,
                                                                   seed):
    rng = np.random.default_rng(seed)
    layer = _float64(getattr(layers, kind)(3, return_state=True, return_sequences=return_sequences,
                                           go_backwards=go_backwards, dtype="float64"))
    count = len(layer.state_size)
    x = rng.standard_normal((2, 4, 3))
    states = [rng.standard_normal((2, 3)) for _ in range(count)]
    mask = rng.random((2, 4)) > 0.4 if masked else None

    def run(x, *states):
        return _joined(layer(x, initial_state=list(states), mask=mask))

    check_gradients(run, [x, *states], name=f"{kind} (x and initial states)")


def test_stateful_gradient_equals_the_gradient_from_the_carried_states_as_initial_state():
    rng = np.random.default_rng(0)
    layer = _float64(layers.LSTM(3, stateful=True, return_sequences=True, dtype="float64"))
    first, second = rng.standard_normal((2, 2, 4, 3))
    layer(first)  # the states now hold the end of `first`
    carried = [v.numpy() for v in layer.states]
    with GradientTape() as tape:
        out = layer(second)
    stateful_grads = tape.gradient(out, layer.trainable_weights)

    plain = _float64(layers.LSTM(3, return_sequences=True, dtype="float64"))
    plain.set_weights(layer.get_weights())
    with GradientTape() as tape:
        out_plain = plain(second, initial_state=carried)
    np.testing.assert_allclose(np.asarray(out), np.asarray(out_plain), rtol=1e-12)
    for a, b in zip(stateful_grads, tape.gradient(out_plain, plain.trainable_weights), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-10)


def test_stateful_layer_gradient_matches_finite_differences_from_fixed_states():
    rng = np.random.default_rng(1)
    layer = _float64(layers.GRU(2, stateful=True, dtype="float64"))
    states = [rng.standard_normal((2, 2))]

    def run(x):
        layer.reset_states(states)
        return layer(x)

    check_gradients(run, [rng.standard_normal((2, 4, 3))], name="stateful GRU")


@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell", "SimpleRNNCell"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_fused_sequence_and_step_by_step_loop_give_the_same_values_and_gradients(kind, go_backwards):
    """The same cell run over the whole sequence in one op (what `RNN` picks), and one timestep at a time by the
    general loop, which handles masks and go_backwards with ops on the tape."""
    from kcore_layers_recurrent.layers import loop

    rng = np.random.default_rng(2)
    layer = _float64(layers.RNN(getattr(layers, kind)(3, dtype="float64"), return_sequences=True,
                                go_backwards=go_backwards, dtype="float64"))
    x = rng.standard_normal((2, 4, 3))
    mask = rng.random((2, 4)) > 0.3
    states = [ops.zeros((2, 3), "float64") for _ in layer.state_size]
    with GradientTape() as tape:
        fused = layer(x, mask=mask)
    fused_grads = tape.gradient(fused, layer.trainable_weights)
    with GradientTape() as tape:
        stepped, _, _ = loop.step_by_step(layer, x, states, mask, training=False)
    np.testing.assert_allclose(np.asarray(stepped), np.asarray(fused), rtol=1e-12)
    for a, b in zip(fused_grads, tape.gradient(stepped, layer.trainable_weights), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell", "SimpleRNNCell"])
def test_cell_step_equations_agree_with_the_fused_single_step(kind):
    rng = np.random.default_rng(3)
    cell = getattr(layers, kind)(3, dtype="float64")
    x = rng.standard_normal((2, 4))
    states = [rng.standard_normal((2, 3)) for _ in range(2 if kind == "LSTMCell" else 1)]
    fused_output, fused_states = cell(x, states)
    output, new_states = cell.step(x, states, training=False)
    np.testing.assert_allclose(np.asarray(output), np.asarray(fused_output), rtol=1e-12)
    for a, b in zip(new_states, fused_states, strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12)
    check_gradients(lambda x, *s: _joined(cell.step(x, list(s), training=False)[1]), [x, *states],
                    name=f"{kind}.step")


def test_a_model_with_embedding_masks_and_lstm_gets_zero_gradient_for_padding_embeddings():
    from kcore import Model

    inputs = layers.Input(shape=(5,), dtype="int32")
    embedded = layers.Embedding(6, 3, mask_zero=True)(inputs)
    outputs = layers.LSTM(2)(embedded)
    model = Model(inputs, outputs)
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0]], "int32")
    with GradientTape() as tape:
        loss = ops.sum(model(tokens))
    table = model.layers[1].embeddings
    grad = np.asarray(tape.gradient(loss, table))
    assert np.all(grad[0] == 0), "the padding index feeds only masked timesteps"
    assert np.all(np.abs(grad[1:]).sum(axis=1) > 0)
