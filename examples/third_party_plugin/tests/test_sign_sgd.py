"""SignSGD's updates against the formulas in NumPy, and its config round trip."""

import numpy as np
import pytest
from acme_kcore import SignSGD

import kcore
from kcore.errors import ConfigError


def test_a_step_moves_each_weight_by_the_learning_rate_against_the_gradient_sign():
    w = kcore.Variable(np.array([1.0, 1.0, 1.0], "float32"))
    SignSGD(learning_rate=0.25).apply([np.array([3.0, -1e-6, 0.0], "float32")], [w])
    np.testing.assert_array_equal(w.numpy(), [0.75, 1.25, 1.0])
    assert w.numpy().dtype == np.float32


def test_with_momentum_it_follows_the_sign_of_the_running_average():
    grads = [np.array([1.0, -1.0], "float32"), np.array([-3.0, 0.5], "float32"), np.array([1.0, 0.5], "float32")]
    optimizer, w = SignSGD(learning_rate=0.1, momentum=0.5), kcore.Variable(np.zeros(2, "float32"))
    m, expected = np.zeros(2), np.zeros(2)
    for g in grads:
        optimizer.apply([g], [w])
        m = 0.5 * m + 0.5 * g
        expected -= 0.1 * np.sign(m)
        np.testing.assert_allclose(w.numpy(), expected, rtol=1e-6)


def test_config_round_trips_and_bad_momentum_is_refused():
    optimizer = SignSGD(learning_rate=0.01, momentum=0.9)
    clone = SignSGD.from_config(optimizer.get_config())
    assert (clone.learning_rate, clone.momentum, clone.name) == (0.01, 0.9, "sign_sgd")
    with pytest.raises(ConfigError, match=r"`momentum` must be a number in \[0, 1\)\. Received: momentum=1"):
        SignSGD(momentum=1)
