"""kcore.random: Keras 3's seeding rules and distributions."""

import numpy as np
import pytest

import kcore
from kcore import GradientTape, Variable, ops, random


def test_an_int_seed_gives_the_same_numbers_every_call():
    np.testing.assert_array_equal(random.normal((3, 4), seed=7), random.normal((3, 4), seed=7))


def test_no_seed_gives_new_numbers_each_call():
    assert not np.array_equal(random.uniform((8,)), random.uniform((8,)))


def test_a_seed_generator_advances_and_repeats_from_its_seed():
    first, second = random.SeedGenerator(3), random.SeedGenerator(3)
    a1, a2 = random.normal((4,), seed=first), random.normal((4,), seed=first)
    assert not np.array_equal(a1, a2)
    np.testing.assert_array_equal(a1, random.normal((4,), seed=second))


def test_set_random_seed_makes_global_draws_repeatable():
    kcore.utils.set_random_seed(11)
    a = random.normal((5,))
    kcore.utils.set_random_seed(11)
    np.testing.assert_array_equal(a, random.normal((5,)))


def test_floats_are_float32_by_default():
    assert random.normal((2,)).dtype == np.float32
    assert random.uniform((2,), dtype="float64").dtype == np.float64


def test_distributions_have_their_ranges():
    u = random.uniform((10000,), minval=2.0, maxval=3.0, seed=0)
    assert u.min() >= 2.0 and u.max() < 3.0
    t = random.truncated_normal((10000,), mean=1.0, stddev=0.5, seed=0)
    assert np.abs(t - 1.0).max() <= 1.0
    n = random.normal((20000,), mean=3.0, stddev=2.0, seed=0)
    assert abs(n.mean() - 3.0) < 0.1 and abs(n.std() - 2.0) < 0.1
    r = random.randint((1000,), 3, 7, seed=0)
    assert r.dtype == np.int32 and set(np.unique(r)) == {3, 4, 5, 6}


def test_categorical_follows_the_logits():
    logits = np.array([[0.0, 50.0, 0.0], [50.0, 0.0, 0.0]], "float32")
    samples = random.categorical(logits, 20, seed=0)
    assert samples.shape == (2, 20)
    assert (samples[0] == 1).all() and (samples[1] == 0).all()


def test_shuffle_is_a_permutation():
    x = np.arange(50)
    shuffled = random.shuffle(x, seed=1)
    assert sorted(shuffled.tolist()) == x.tolist() and not np.array_equal(shuffled, x)


def test_dropout_zeroes_about_rate_and_rescales_the_rest():
    x = np.ones((100, 100), "float32")
    y = random.dropout(x, 0.3, seed=0)
    assert abs((y == 0).mean() - 0.3) < 0.02
    np.testing.assert_allclose(np.unique(y[y != 0]), [1 / 0.7], rtol=1e-6)
    assert y.dtype == np.float32


def test_dropout_is_differentiable_through_the_kept_units():
    w = Variable(np.ones((4, 4), "float32"))
    with GradientTape() as tape:
        y = ops.sum(random.dropout(w, 0.5, seed=3))
    grad = tape.gradient(y, w)
    assert set(np.unique(grad)) <= {0.0, 2.0}


def test_a_bad_seed_or_rate_is_a_clear_error():
    with pytest.raises(kcore.errors.ConfigError, match="seed"):
        random.normal((2,), seed="abc")
    with pytest.raises(kcore.errors.ConfigError, match="rate"):
        random.dropout(np.ones(3, "float32"), 1.5)


def test_unseeded_seed_generators_repeat_after_set_random_seed():
    kcore.utils.set_random_seed(5)
    first = random.normal((3,), seed=random.SeedGenerator())
    kcore.utils.set_random_seed(5)
    np.testing.assert_array_equal(first, random.normal((3,), seed=random.SeedGenerator()))
