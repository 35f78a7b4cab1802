"""Each optimizer's first steps against an independent NumPy implementation of Keras 3's update equations.

The references below are written plainly in float64, one formula per line, as Keras 3's `update_step`s state
them; the optimizers under test work in float32, in place. Both see the same sequence of gradients.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kcore
import kcore.optimizers

STEPS = 6


def ref_sgd(w, grads, learning_rate=0.01, momentum=0.0, nesterov=False, **_):
    m = np.zeros_like(w)
    for g in grads:
        if momentum:
            m = momentum * m - learning_rate * g
            w = w + (momentum * m - learning_rate * g if nesterov else m)
        else:
            w = w - learning_rate * g
        yield w


def ref_rmsprop(w, grads, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **_):
    v, a, m = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        v = rho * v + (1 - rho) * g**2
        if centered:
            a = rho * a + (1 - rho) * g
            denominator = v - a**2 + epsilon
        else:
            denominator = v + epsilon
        increment = learning_rate * g / np.sqrt(denominator)
        if momentum > 0:
            m = momentum * m + increment
            w = w - m
        else:
            w = w - increment
        yield w


def ref_adam(w, grads, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
             weight_decay=None, **_):
    m, v, v_hat = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        if weight_decay:
            w = w - w * weight_decay * learning_rate
        alpha = learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m = m + (g - m) * (1 - beta_1)
        v = v + (g**2 - v) * (1 - beta_2)
        if amsgrad:
            v_hat = np.maximum(v_hat, v)
            w = w - m * alpha / (np.sqrt(v_hat) + epsilon)
        else:
            w = w - m * alpha / (np.sqrt(v) + epsilon)
        yield w


def ref_adagrad(w, grads, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **_):
    accumulator = np.full_like(w, initial_accumulator_value)
    for g in grads:
        accumulator = accumulator + g**2
        w = w - learning_rate * g / np.sqrt(accumulator + epsilon)
        yield w


def ref_adadelta(w, grads, learning_rate=0.001, rho=0.95, epsilon=1e-7, **_):
    accumulated_grad, accumulated_delta = np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        accumulated_grad = rho * accumulated_grad + (1 - rho) * g**2
        delta = -np.sqrt(accumulated_delta + epsilon) * g / np.sqrt(accumulated_grad + epsilon)
        accumulated_delta = rho * accumulated_delta + (1 - rho) * delta**2
        w = w + learning_rate * delta
        yield w


def ref_adamax(w, grads, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **_):
    m, u = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        m = m + (g - m) * (1 - beta_1)
        u = np.maximum(beta_2 * u, np.abs(g))
        w = w - learning_rate * m / ((1 - beta_1**t) * (u + epsilon))
        yield w


def ref_nadam(w, grads, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **_):
    m, v, u_product = np.zeros_like(w), np.zeros_like(w), 1.0
    for t, g in enumerate(grads, start=1):
        u_t = beta_1 * (1 - 0.5 * 0.96**t)
        u_t_1 = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        u_product = u_product * u_t
        u_product_t_1 = u_product * u_t_1
        m = m + (g - m) * (1 - beta_1)
        v = v + (g**2 - v) * (1 - beta_2)
        m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - beta_2**t)
        w = w - m_hat * learning_rate / (np.sqrt(v_hat) + epsilon)
        yield w


def ref_lion(w, grads, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **_):
    m = np.zeros_like(w)
    for g in grads:
        w = w - learning_rate * np.sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g
        yield w


def ref_lamb(w, grads, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **_):
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        r = (m / (1 - beta_1**t)) / (np.sqrt(v / (1 - beta_2**t)) + epsilon)
        w_norm, r_norm = np.linalg.norm(w), np.linalg.norm(r)
        ratio = w_norm / r_norm if w_norm > 0 and r_norm > 0 else 1.0
        w = w - ratio * learning_rate * r
        yield w


def ref_adafactor(w, grads, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                  clip_threshold=1.0, **_):
    def rms(x):
        return np.sqrt(np.mean(x**2))

    r, c, v = np.zeros(w.shape[:-1]), np.zeros(w.shape[:-2] + w.shape[-1:]), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        rho = min(learning_rate, 1 / np.sqrt(t))
        alpha = max(epsilon_2, rms(w)) * rho
        beta_2 = 1 - t**beta_2_decay
        regulated = g**2 + epsilon_1
        if w.ndim >= 2:
            r = beta_2 * r + (1 - beta_2) * regulated.mean(axis=-1)
            c = beta_2 * c + (1 - beta_2) * regulated.mean(axis=-2)
            v = np.expand_dims(r / r.mean(axis=-1, keepdims=True), -1) * np.expand_dims(c, -2)
        else:
            v = beta_2 * v + (1 - beta_2) * regulated
        u = g / np.sqrt(v)
        w = w - alpha * u / max(1.0, rms(u) / clip_threshold)
        yield w


def ref_ftrl(w, grads, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
             l1_regularization_strength=0.0, l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
             beta=0.0, **_):
    """Keras's formulation; with l2_shrinkage = 0 it is McMahan et al.'s per-coordinate FTRL-Proximal."""
    n, z = np.full_like(w, initial_accumulator_value), np.zeros_like(w)
    l1, l2 = l1_regularization_strength, l2_regularization_strength + beta / (2 * learning_rate)
    for g in grads:
        n_new = n + g**2
        sigma = (n_new ** -learning_rate_power - n ** -learning_rate_power) / learning_rate
        z = z + g + 2 * l2_shrinkage_regularization_strength * w - sigma * w
        w = np.where(np.abs(z) <= l1, 0.0,
                     (np.sign(z) * l1 - z) / (n_new ** -learning_rate_power / learning_rate + 2 * l2))
        n = n_new
        yield w


CASES = [
    ("SGD", {}, ref_sgd),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}, ref_sgd),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.8, "nesterov": True}, ref_sgd),
    ("RMSprop", {}, ref_rmsprop),
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.5}, ref_rmsprop),
    ("RMSprop", {"learning_rate": 0.01, "centered": True, "epsilon": 1e-3}, ref_rmsprop),
    ("Adam", {}, ref_adam),
    ("Adam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.9, "amsgrad": True}, ref_adam),
    ("AdamW", {}, ref_adam),
    ("AdamW", {"learning_rate": 0.05, "weight_decay": 0.1}, ref_adam),
    ("Adagrad", {}, ref_adagrad),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 1.0, "epsilon": 1e-4}, ref_adagrad),
    ("Adadelta", {}, ref_adadelta),
    ("Adadelta", {"learning_rate": 1.0, "rho": 0.5, "epsilon": 1e-3}, ref_adadelta),
    ("Adamax", {}, ref_adamax),
    ("Adamax", {"learning_rate": 0.05, "beta_1": 0.7, "beta_2": 0.9}, ref_adamax),
    ("Nadam", {}, ref_nadam),
    ("Nadam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.95}, ref_nadam),
    ("Lion", {}, ref_lion),
    ("Lion", {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.8}, ref_lion),
    ("Lamb", {}, ref_lamb),
    ("Lamb", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-3}, ref_lamb),
    ("Adafactor", {}, ref_adafactor),
    ("Adafactor", {"learning_rate": 0.5, "beta_2_decay": -0.5, "epsilon_2": 0.1, "clip_threshold": 0.5},
     ref_adafactor),
    ("Ftrl", {}, ref_ftrl),
    ("Ftrl", {"learning_rate": 0.5, "learning_rate_power": -0.3, "initial_accumulator_value": 0.5,
              "l1_regularization_strength": 0.05, "l2_regularization_strength": 0.1, "beta": 0.2}, ref_ftrl),
    ("Ftrl", {"learning_rate": 0.1, "learning_rate_power": 0.0, "l2_shrinkage_regularization_strength": 0.3},
     ref_ftrl),
]
IDS = [f"{name}-{i}" for i, (name, *_) in enumerate(CASES)]


def _gradients(shapes, seed):
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=s) for s in shapes] for _ in range(STEPS)]


@pytest.mark.parametrize(("name", "kwargs", "reference"), CASES, ids=IDS)
def test_first_steps_match_a_numpy_implementation_of_keras_equations(name, kwargs, reference):
    rng = np.random.default_rng(1)
    initial = [rng.normal(size=(3, 2)), rng.normal(size=(4,))]
    variables = [kcore.Variable(w.astype("float32"), name=f"w{i}") for i, w in enumerate(initial)]
    grads = _gradients([w.shape for w in initial], seed=2)
    optimizer = getattr(kcore.optimizers, name)(**kwargs)
    if name == "AdamW":
        kwargs = {"weight_decay": 0.004, **kwargs}
    expected = [list(reference(w, [g[i] for g in grads], **kwargs)) for i, w in enumerate(initial)]
    for step in range(STEPS):
        optimizer.apply([g.astype("float32") for g in grads[step]], variables)
        for i, variable in enumerate(variables):
            assert variable.value.dtype == np.float32
            np.testing.assert_allclose(variable.numpy(), expected[i][step], rtol=1e-6, atol=1e-6,
                                       err_msg=f"{name}{kwargs}: variable {i} after step {step + 1}")
    assert int(optimizer.iterations.value) == STEPS


@pytest.mark.parametrize(("name", "kwargs", "reference"), CASES, ids=IDS)
@settings(deadline=None)
@given(size=st.integers(1, 6), seed=st.integers(0, 2**32 - 1), scale=st.sampled_from([1e-3, 1.0, 1e3]))
def test_float64_variables_follow_the_equations_to_rounding(name, kwargs, reference, size, seed, scale):
    """A property over drawn shapes, initial values and gradient sequences (of small, unit and large scale)."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(size,))
    variable = kcore.Variable(w, dtype="float64")
    grads = [rng.normal(size=(size,)) * scale for _ in range(STEPS)]
    optimizer = getattr(kcore.optimizers, name)(**kwargs)
    if name == "AdamW":
        kwargs = {"weight_decay": 0.004, **kwargs}
    for step, expected in enumerate(reference(w, grads, **kwargs)):
        optimizer.apply([grads[step]], [variable])
        np.testing.assert_allclose(variable.value, expected, rtol=1e-10, atol=1e-12)
    assert all(slot.value.dtype == np.float64 for slot in optimizer.variables[1:])


def test_float64_gradients_update_float32_variables_in_float32():
    variable = kcore.Variable(np.ones(3, "float32"))
    optimizer = kcore.optimizers.Adam(learning_rate=0.1)
    optimizer.apply([np.array([1.0, -1.0, 0.5])], [variable])
    assert variable.value.dtype == np.float32
    np.testing.assert_allclose(variable.numpy(), [0.9, 1.1, 0.9], rtol=1e-5)


def test_a_schedule_is_evaluated_at_the_step_before_it_is_counted():
    schedule = kcore.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    optimizer = kcore.optimizers.SGD(learning_rate=schedule)
    variable = kcore.Variable(np.zeros(1, "float32"))
    for _ in range(3):
        optimizer.apply([np.ones(1, "float32")], [variable])
    np.testing.assert_allclose(variable.numpy(), [-(0.1 + 0.05 + 0.025)], rtol=1e-6)


def test_a_variable_without_gradient_is_left_alone_and_keeps_its_slots_in_order():
    a, b = kcore.Variable(np.ones(2, "float32"), name="a"), kcore.Variable(np.ones(3, "float32"), name="b")
    optimizer = kcore.optimizers.Adam(learning_rate=0.1)
    optimizer.apply([None, np.ones(3, "float32")], [a, b])
    np.testing.assert_array_equal(a.numpy(), np.ones(2))
    np.testing.assert_allclose(b.numpy(), np.full(3, 0.9), rtol=1e-5)
    assert [v.name for v in optimizer.variables] == ["iteration", "a_momentum", "a_velocity", "b_momentum",
                                                     "b_velocity"]
    optimizer.apply([np.ones(2, "float32"), None], [a, b])
    # a's own (fresh) moments, with the bias correction of the optimizer's step 2
    alpha = 0.1 * math.sqrt(1 - 0.999**2) / (1 - 0.9**2)
    np.testing.assert_allclose(a.numpy(), np.full(2, 1 - alpha * 0.1 / (math.sqrt(0.001) + 1e-7)), rtol=1e-5)
    np.testing.assert_allclose(b.numpy(), np.full(3, 0.9), rtol=1e-5)


@pytest.mark.parametrize(("name", "kwargs", "reference"), [c for c in CASES if c[0] in ("Adam", "AdamW")],
                         ids=[i for i, c in zip(IDS, CASES, strict=True) if c[0] in ("Adam", "AdamW")])
@pytest.mark.parametrize("contiguous", [True, False], ids=["contiguous", "transposed-gradient"])
def test_variables_larger_than_one_block_follow_the_equations(name, kwargs, reference, contiguous):
    """Adam updates big variables block by block (the backend's elementwise_block); the blocks must add up to
    the whole update, also for a gradient that is a non-contiguous view."""
    from kcore import backend

    block = backend.get().elementwise_block or 1024
    rng = np.random.default_rng(3)
    w = rng.normal(size=(3, block + 7))
    variable = kcore.Variable(w.astype("float32"))
    grads = [rng.normal(size=(3, block + 7)) if contiguous else rng.normal(size=(block + 7, 3)).T
             for _ in range(STEPS)]
    optimizer = getattr(kcore.optimizers, name)(**kwargs)
    if name == "AdamW":
        kwargs = {"weight_decay": 0.004, **kwargs}
    for step, expected in enumerate(reference(w, grads, **kwargs)):
        optimizer.apply([grads[step].astype("float32")], [variable])
        np.testing.assert_allclose(variable.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_adafactor_factors_the_last_two_axes_of_a_rank_3_variable():
    rng = np.random.default_rng(2)
    initial = rng.normal(size=(2, 3, 4))
    w = kcore.Variable(initial.astype("float32"), name="w")
    grads = [rng.normal(size=(2, 3, 4)) for _ in range(4)]
    optimizer = kcore.optimizers.Adafactor(learning_rate=0.1)
    for g, expected in zip(grads, ref_adafactor(initial, grads, learning_rate=0.1), strict=True):
        optimizer.apply([g.astype("float32")], [w])
        np.testing.assert_allclose(w.numpy(), expected, rtol=1e-5, atol=1e-6)
    assert [(v.name, v.shape) for v in optimizer.variables] == [("iteration", ()), ("w", (2, 3)), ("w", (2, 4)),
                                                                ("w_velocity", (2, 3, 4))]
    # r and c are the running means of g**2 over the last axis and the second last axis
    assert np.all(optimizer.variables[1].numpy() > 0) and np.all(optimizer.variables[2].numpy() > 0)
