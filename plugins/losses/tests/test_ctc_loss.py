"""CTC: values against a brute-force sum over every alignment, Keras 3's example values, the alpha-beta gradient
against finite differences, per-sample label lengths, impossible alignments, configs, errors, and a model that
learns a label sequence with fit.

The conformance kit's `LossCase` draws labels of the shape of y_pred without its last axis, in [0, classes): not
CTC's padded label sequences, so the gradient is checked here directly with `kcore.testing.check_gradients`.
"""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kcore_losses import CTC, ctc

import kcore
import kcore.losses
from kcore import layers
from kcore.errors import OpIndexError, ShapeError
from kcore.testing import check_gradients

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _collapse(path):
    """CTC's many-to-one map: merge runs of a class, then drop the blanks (0)."""
    merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
    return tuple(k for k in merged if k != 0)


def brute_force_ctc(labels, logits):
    """-log of the summed probability of every path of classes over the steps that collapses to the labels
    (trailing zeros of `labels` are padding); inf when no path does."""
    logits = np.asarray(logits, dtype=np.float64)
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    losses = []
    for row, sample in zip(np.asarray(labels), log_p, strict=True):
        target = tuple(int(k) for k in row if k != 0)
        steps, classes = sample.shape
        total = sum(np.exp(sum(sample[t, k] for t, k in enumerate(path)))
                    for path in itertools.product(range(classes), repeat=steps) if _collapse(path) == target)
        losses.append(-np.log(total) if total > 0 else np.inf)
    return np.array(losses)


def _fits(labels, steps):
    """Whether a label sequence fits in `steps` steps: one per label, plus a blank between each repeat."""
    labels = [k for k in labels if k != 0]
    return len(labels) + sum(a == b for a, b in itertools.pairwise(labels)) <= steps


@st.composite
def ctc_batches(draw, feasible=True):
    """(labels, logits) for tiny sizes: 1 to 5 steps, 2 or 3 classes, label sequences of different lengths
    (repeats included), padded with 0 at the end."""
    steps, classes = draw(st.integers(1, 5)), draw(st.integers(2, 3))
    batch, width = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rows = []
    for _ in range(batch):
        length = draw(st.integers(0, min(width, steps)))
        row = draw(st.lists(st.integers(1, classes - 1), min_size=length, max_size=length))
        if feasible and not _fits(row, steps):
            row = row[:1]  # one label always fits
        rows.append(row + [0] * (width - len(row)))
    logits = np.random.default_rng(draw(st.integers(0, 2**16))).normal(0, 1.5, (batch, steps, classes))
    return np.array(rows), logits


@SETTINGS
@given(ctc_batches())
def test_ctc_sums_the_probability_of_every_alignment(data):
    labels, logits = data
    np.testing.assert_allclose(ctc(labels, logits), brute_force_ctc(labels, logits), rtol=1e-10)
    got32 = ctc(labels, logits.astype("float32"))
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, brute_force_ctc(labels, logits), rtol=1e-5)


@SETTINGS
@given(ctc_batches())
def test_ctc_gradient_matches_finite_differences(data):
    labels, logits = data
    check_gradients(lambda p: ctc(labels, p), [logits], name="ctc")


def test_ctc_matches_keras_documented_values():
    # keras/src/ops/nn_test.py test_ctc_loss: labels [[1, 2, 1], [1, 2, 2]], label lengths [3, 2], output lengths
    # [3, 2]; the loss uses every step of y_pred, so the second sample is written as its first two steps
    outputs = np.array([[[0.4, 0.8, 0.4], [0.2, 0.8, 0.3], [0.9, 0.4, 0.5]],
                        [[0.4, 0.8, 0.4], [0.2, 0.3, 0.3], [0.4, 0.3, 0.2]]], dtype="float32")
    np.testing.assert_allclose(ctc([[1, 2, 1]], outputs[:1]), [3.4411672], rtol=1e-6)
    np.testing.assert_allclose(ctc([[1, 2, 0]], outputs[1:, :2]), [1.91680186], rtol=1e-6)


def test_ctc_of_a_batch_is_each_sample_with_its_own_label_length():
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(4, 5, 3))
    labels = np.array([[1, 2, 2], [2, 0, 0], [0, 0, 0], [1, 1, 0]])
    together = ctc(labels, logits)
    alone = [ctc(row[row != 0][None] if row.any() else np.zeros((1, 1), int), logits[i:i + 1])[0]
             for i, row in enumerate(labels)]
    np.testing.assert_allclose(together, alone, rtol=1e-12)
    np.testing.assert_allclose(together, brute_force_ctc(labels, logits), rtol=1e-10)
    # an empty label sequence has one alignment, all blanks
    log_p = logits[2] - np.log(np.exp(logits[2]).sum(-1, keepdims=True))
    np.testing.assert_allclose(together[2], -log_p[:, 0].sum(), rtol=1e-12)


def test_repeated_labels_need_a_blank_between_them():
    logits = np.random.default_rng(4).normal(size=(1, 3, 2))
    log_p = logits[0] - np.log(np.exp(logits[0]).sum(-1, keepdims=True))
    # [1, 1] in 3 steps has exactly one alignment: "1 - 1"
    np.testing.assert_allclose(ctc([[1, 1]], logits), [-(log_p[0, 1] + log_p[1, 0] + log_p[2, 1])], rtol=1e-12)
    # in 2 steps it has none: "1 1" collapses to [1]
    assert ctc([[1, 1]], logits[:, :2])[0] > 1e4


def test_impossible_alignments_give_a_large_finite_loss_and_leave_the_others_alone():
    logits = np.random.default_rng(5).normal(size=(3, 2, 3)).astype("float32")
    labels = np.array([[1, 2, 1], [1, 1, 0], [2, 1, 0]])  # too long; a repeat needing 3 steps; fits
    values = ctc(labels, logits)
    # Keras's NumPy and JAX backends also give about 1e5 here (their log_epsilon), not inf
    assert np.all(np.isfinite(values)) and np.all((values[:2] > 9e4) & (values[:2] < 2e5))
    np.testing.assert_allclose(values[2], brute_force_ctc(labels[2:], logits[2:])[0], rtol=1e-5)
    with kcore.GradientTape() as tape:
        watched = tape.watch(logits)
        total = kcore.ops.sum(ctc(labels, watched))
    grad = np.asarray(tape.gradient(total, watched))
    assert grad.dtype == np.float32 and np.all(np.isfinite(grad))
    check_gradients(lambda p: ctc(labels, p), [logits.astype("float64")], rtol=1e-3, atol=1e-5, name="ctc")


def test_float_labels_are_taken_as_integers_as_keras_does():
    logits = np.random.default_rng(6).normal(size=(2, 4, 3)).astype("float32")
    labels = np.array([[1, 2, 0], [2, 2, 1]])
    np.testing.assert_array_equal(ctc(labels.astype("float32"), logits), ctc(labels, logits))


def test_ctc_class_reduces_and_weights_samples():
    logits = np.random.default_rng(7).normal(size=(3, 4, 3)).astype("float32")
    labels = np.array([[1, 0], [2, 1], [1, 1]])
    per_sample = brute_force_ctc(labels, logits)
    np.testing.assert_allclose(float(CTC()(labels, logits)), per_sample.mean(), rtol=1e-5)
    weights = np.array([0.5, 0.0, 2.0])
    np.testing.assert_allclose(float(CTC(reduction="sum")(labels, logits, sample_weight=weights)),
                               (per_sample * weights).sum(), rtol=1e-5)
    np.testing.assert_allclose(CTC(reduction=None)(labels, logits), per_sample, rtol=1e-5)


def test_ctc_is_registered_under_keras_names_and_round_trips_its_config():
    assert kcore.losses.get("ctc") is ctc
    loss = kcore.losses.get("CTC")
    assert isinstance(loss, CTC) and loss.name == "ctc"
    config = CTC(reduction="sum", name="my_ctc").get_config()
    assert config == {"name": "my_ctc", "reduction": "sum"}
    assert CTC.from_config(config).get_config() == config


@pytest.mark.parametrize(("labels", "logits", "error", "match"), [
    ([1, 2], np.zeros((2, 3, 3)), ShapeError, "y_true must be integer labels of shape"),
    ([[1, 2]], np.zeros((3, 3)), ShapeError, "y_pred must be logits of shape"),
    ([[1], [2]], np.zeros((3, 4, 3)), ShapeError, "same batch size"),
    ([[1, 2]], np.zeros((1, 0, 3)), ShapeError, "at least one time step"),
    ([[1, 3]], np.zeros((1, 4, 3)), OpIndexError, r"labels must be in \[1, 3\)"),
    ([[1, -1]], np.zeros((1, 4, 3)), OpIndexError, r"labels must be in \[1, 3\)"),
])
def test_bad_inputs_are_told_what_ctc_expects(labels, logits, error, match):
    with pytest.raises(error, match=match):
        ctc(np.array(labels), logits)


def _greedy_decode(logits):
    return [list(_collapse(tuple(row))) for row in np.asarray(logits).argmax(-1)]


def test_a_dense_model_learns_to_emit_a_label_sequence_with_fit():
    # each step's features say which step it is, so one Dense layer can learn an alignment of [1, 2, 2]
    rng = np.random.default_rng(0)
    steps = 6
    x = (np.eye(steps)[None].repeat(64, 0) + 0.1 * rng.normal(size=(64, steps, steps))).astype("float32")
    y = np.tile([[1, 2, 2, 0]], (64, 1))
    model = kcore.Sequential([layers.Input(shape=(steps, steps)), layers.Dense(3)])
    model.compile(optimizer=kcore.optimizers.Adam(learning_rate=0.1), loss="ctc")
    history = model.fit(x, y, batch_size=16, epochs=15, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert _greedy_decode(model.predict(x[:8], verbose=0)) == [[1, 2, 2]] * 8


def test_a_zero_inside_the_labels_is_scored_as_keras_scores_it_with_a_warning():
    # Keras's own example (losses_test.py): [1, 2, 0, 2] has 3 labels, and Keras scores its first 3 entries
    logits = (np.arange(24).reshape((2, 4, 3)).astype("float32") - 12) / 100
    with pytest.warns(UserWarning, match="sample 1 has a 0 before a label"):
        loss = CTC()(np.array([[1, 2, 1, 0], [1, 2, 0, 2]]), logits)
    np.testing.assert_allclose(float(loss), 2.448645, rtol=1e-5)
