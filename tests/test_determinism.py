"""Repeatable runs: `kcore.utils.set_random_seed(n)` fixes everything random in a run on the NumPy backend
(initial weights, the order `shuffle=True` gives each epoch, dropout masks), so two runs are bit-for-bit equal."""

import numpy as np
import pytest

import kcore
from kcore import layers

RNG = np.random.default_rng(123)
X = RNG.standard_normal((96, 6)).astype("float32")
Y = (X[:, :3].sum(axis=1) > 0).astype("int64") + (X[:, 3] > 1)


def _run(seed):
    """Seed, build, train with shuffling and dropout; return the initial weights, final weights and history."""
    kcore.utils.set_random_seed(seed)
    model = kcore.Sequential([layers.Input((6,)), layers.Dense(16, activation="relu"), layers.Dropout(0.5),
                              layers.Dense(8, activation="tanh"), layers.Dropout(0.3),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    initial = [w.copy() for w in model.get_weights()]
    history = model.fit(X, Y, epochs=3, batch_size=10, shuffle=True, validation_split=0.25, verbose=0)
    return initial, model.get_weights(), history.history, [np.array(v.numpy()) for v in model.optimizer.variables]


def _assert_bitwise_equal(first, second):
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes()


@pytest.fixture(scope="module")
def runs():
    return _run(7), _run(7), _run(8)


def test_the_same_seed_gives_the_same_initial_weights_bit_for_bit(runs):
    (first, *_), (second, *_), _ = runs
    _assert_bitwise_equal(first, second)


def test_the_same_seed_gives_the_same_trained_weights_history_and_optimizer_state(runs):
    (_, weights_a, history_a, slots_a), (_, weights_b, history_b, slots_b), _ = runs
    _assert_bitwise_equal(weights_a, weights_b)
    _assert_bitwise_equal(slots_a, slots_b)
    assert history_a == history_b


def test_a_different_seed_gives_different_initial_and_trained_weights(runs):
    (initial_a, weights_a, *_), _, (initial_c, weights_c, *_) = runs
    assert not np.array_equal(initial_a[0], initial_c[0])
    assert all(not np.array_equal(a, c) for a, c in zip(weights_a, weights_c, strict=True) if a.ndim == 2)


def _one_epoch(seed, shuffle, rate, initial):
    """Train from fixed `initial` weights for one epoch; what differs between seeds is only the shuffling
    (shuffle=True) or only the dropout masks (rate > 0)."""
    kcore.utils.set_random_seed(seed)
    model = kcore.Sequential([layers.Input((6,)), layers.Dense(16), layers.Dropout(rate), layers.Dense(3)])
    model.compile(optimizer="sgd", loss=kcore.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.set_weights(initial)
    model.fit(X, Y, epochs=1, batch_size=8, shuffle=shuffle, verbose=0)
    return model.get_weights()


@pytest.mark.parametrize(("shuffle", "rate"), [(True, 0.0), (False, 0.5)], ids=["shuffling", "dropout"])
def test_shuffling_and_dropout_each_follow_the_seed(shuffle, rate):
    initial = [np.full((6, 16), 0.1, "float32"), np.zeros(16, "float32"),
               np.linspace(-1, 1, 48, dtype="float32").reshape(16, 3), np.zeros(3, "float32")]
    same = _one_epoch(3, shuffle, rate, initial), _one_epoch(3, shuffle, rate, initial)
    _assert_bitwise_equal(*same)
    other = _one_epoch(4, shuffle, rate, initial)
    assert not np.array_equal(same[0][0], other[0]), "the seed did not reach the shuffling or the dropout"
