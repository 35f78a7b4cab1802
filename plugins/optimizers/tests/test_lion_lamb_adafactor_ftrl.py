"""What sets Lion, Lamb, Adafactor and Ftrl apart: Keras's state layout, the properties their update rules promise,
their argument checks, and training a model by name. Their step-by-step equations are checked with the other
optimizers' in test_optimizer_updates.py."""

import numpy as np
import pytest

import kcore
import kcore.optimizers
from kcore import layers, models
from kcore.errors import ConfigError

NEW = ["lion", "lamb", "adafactor", "ftrl"]


def _step(optimizer, grads, variables, steps=1):
    for _ in range(steps):
        optimizer.apply([g.astype("float32") for g in grads], variables)


def _layout(optimizer):
    return [(v.name, v.shape) for v in optimizer.variables]


# -- Keras's variable layout: names, shapes and order of the state ------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("Lion", [("iteration", ()), ("kernel_momentum", (3, 2)), ("bias_momentum", (2,))]),
    ("Lamb", [("iteration", ()), ("kernel_momentum", (3, 2)), ("kernel_velocity", (3, 2)),
              ("bias_momentum", (2,)), ("bias_velocity", (2,))]),
    ("Adafactor", [("iteration", ()), ("kernel", (3,)), ("kernel", (2,)), ("kernel_velocity", (3, 2)),
                   ("bias", ()), ("bias", ()), ("bias_velocity", (2,))]),
    ("Ftrl", [("iteration", ()), ("kernel_accumulator", (3, 2)), ("kernel_linear", (3, 2)),
              ("bias_accumulator", (2,)), ("bias_linear", (2,))]),
])
def test_state_follows_keras_names_shapes_and_order(name, expected):
    kernel, bias = kcore.Variable(np.ones((3, 2), "float32"), name="kernel"), kcore.Variable(np.ones(2), name="bias")
    optimizer = getattr(kcore.optimizers, name)()
    _step(optimizer, [np.ones((3, 2)), np.ones(2)], [kernel, bias])
    assert _layout(optimizer) == expected
    store = {}
    optimizer.save_own_variables(store)  # Keras's "0" iteration, "1" learning rate, then the slots
    assert len(store) == len(expected) + 1
    assert [tuple(store[str(i + 2)].shape) for i in range(len(expected) - 1)] == [s for _, s in expected[1:]]


def test_ftrl_accumulators_start_at_initial_accumulator_value():
    optimizer = kcore.optimizers.Ftrl(initial_accumulator_value=0.7)
    optimizer.build([kcore.Variable(np.zeros(3, "float32"), name="w")])
    np.testing.assert_array_equal(optimizer.variables[1].numpy(), np.full(3, 0.7, "float32"))
    np.testing.assert_array_equal(optimizer.variables[2].numpy(), np.zeros(3, "float32"))


# -- properties of the update rules ---------------------------------------------------------------------------


def test_lion_moves_every_weight_by_exactly_the_learning_rate():
    rng = np.random.default_rng(0)
    w = kcore.Variable(rng.normal(size=(5, 4)).astype("float32"))
    optimizer = kcore.optimizers.Lion(learning_rate=0.125)
    for _ in range(4):
        before = w.numpy()
        _step(optimizer, [rng.normal(size=(5, 4))], [w])
        np.testing.assert_allclose(np.abs(w.numpy() - before), np.full((5, 4), 0.125), rtol=0, atol=1e-6)


def test_lion_interpolates_with_beta_1_but_tracks_momentum_with_beta_2():
    # step 1 builds m = (1 - beta_2) * 1 = 0.1; step 2's gradient -0.05 gives beta_1 * 0.1 + (1 - beta_1) * -0.05
    # = 0.065 > 0 with beta_1 = 0.9 (a step down), while a momentum kept with beta_1 would give a step up.
    w = kcore.Variable(np.zeros(1, "float32"))
    optimizer = kcore.optimizers.Lion(learning_rate=1.0, beta_1=0.9, beta_2=0.9)
    _step(optimizer, [np.ones(1)], [w])
    _step(optimizer, [np.full(1, -0.05)], [w])
    np.testing.assert_array_equal(w.numpy(), [-2.0])
    np.testing.assert_allclose(optimizer.variables[1].numpy(), [0.9 * 0.1 + 0.1 * -0.05], rtol=1e-6)


def test_lion_takes_a_schedules_rate_at_the_step_before_it_is_counted():
    schedule = kcore.optimizers.schedules.PiecewiseConstantDecay([1], [0.5, 0.25])
    w = kcore.Variable(np.zeros(2, "float32"))
    _step(kcore.optimizers.Lion(learning_rate=schedule), [np.array([1.0, -1.0])], [w], steps=3)
    # counted steps 0 and 1 (<= the boundary) at 0.5, step 2 at 0.25: each weight moves 0.5 + 0.5 + 0.25
    np.testing.assert_allclose(w.numpy(), [-1.25, 1.25])


def test_lamb_step_has_the_norm_of_learning_rate_times_the_weights_norm():
    rng = np.random.default_rng(1)
    w = kcore.Variable(rng.normal(size=(4, 3)).astype("float32"))
    optimizer = kcore.optimizers.Lamb(learning_rate=0.01)
    for _ in range(3):
        before = w.numpy()
        _step(optimizer, [rng.normal(size=(4, 3)) * 100], [w])
        np.testing.assert_allclose(np.linalg.norm(w.numpy() - before), 0.01 * np.linalg.norm(before), rtol=1e-4)


def test_lamb_on_zero_weights_takes_the_unscaled_adam_step():
    w = kcore.Variable(np.zeros(3, "float32"))
    kcore.optimizers.Lamb(learning_rate=0.1).apply([np.array([2.0, -0.5, 0.25], "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [-0.1, 0.1, -0.1], rtol=1e-5)  # step 1: m_hat / sqrt(v_hat) = sign(g)


def test_adafactor_clips_the_rms_of_its_normalised_step_at_clip_threshold():
    rng = np.random.default_rng(3)
    w = kcore.Variable(np.full(6, 10.0, "float32"))  # rms(w) = 10 sets the step scale: alpha = 10 * rho
    optimizer = kcore.optimizers.Adafactor(learning_rate=0.01, clip_threshold=0.5)
    _step(optimizer, [rng.normal(size=6)], [w])  # step 1: v = g**2, so u = sign(g) and rms(u) = 1 > 0.5
    np.testing.assert_allclose(np.abs(w.numpy() - 10.0), np.full(6, 10 * 0.01 * 0.5), rtol=1e-5)


@pytest.mark.parametrize("schedule", [False, True], ids=["constant", "schedule"])
def test_adafactor_relative_step_caps_the_learning_rate_at_one_over_sqrt_t(schedule):
    # A constant gradient makes u = 1 everywhere; clip_threshold = 0.1 scales it to 0.1, so each step moves the
    # weights by rms(w) * min(learning_rate, 1 / sqrt(t)) * 0.1; a schedule's rate (taken at step t - 1) is capped too.
    rates = [5.0, 5.0, 0.4, 0.4]
    learning_rate = kcore.optimizers.schedules.PiecewiseConstantDecay([1], [5.0, 0.4]) if schedule else 5.0
    w = kcore.Variable(np.full(4, 2.0, "float32"))
    optimizer = kcore.optimizers.Adafactor(learning_rate=learning_rate, clip_threshold=0.1)
    for step in (1, 2, 3, 4):
        before = w.numpy()
        _step(optimizer, [np.ones(4)], [w])
        rho = min(rates[step - 1] if schedule else 5.0, 1 / np.sqrt(step))
        np.testing.assert_allclose(before - w.numpy(), np.full(4, np.sqrt(np.mean(before**2)) * rho * 0.1),
                                   rtol=1e-5)


def test_ftrl_l1_strength_larger_than_the_gradients_keeps_weights_exactly_zero():
    w = kcore.Variable(np.full(3, 0.5, "float32"))
    optimizer = kcore.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=10.0)
    _step(optimizer, [np.array([0.3, -0.2, 0.1])], [w], steps=3)
    np.testing.assert_array_equal(w.numpy(), np.zeros(3, "float32"))


def test_ftrl_without_regularisation_matches_adagrad_like_closed_form_on_the_first_step():
    # From w = 0: z = g, n = 0.1 + g**2, w = -z * learning_rate / sqrt(n)
    g = np.array([0.3, -0.2, 0.1])
    w = kcore.Variable(np.zeros(3, "float32"))
    kcore.optimizers.Ftrl(learning_rate=0.5).apply([g.astype("float32")], [w])
    np.testing.assert_allclose(w.numpy(), -g * 0.5 / np.sqrt(0.1 + g**2), rtol=1e-6)


# -- arguments --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs", "argument"), [
    ("Lion", {"beta_1": 0.0}, "beta_1"),
    ("Lion", {"beta_1": 1.5}, "beta_1"),
    ("Lion", {"beta_2": -0.1}, "beta_2"),
    ("Lamb", {"beta_1": 1.0}, "beta_1"),
    ("Lamb", {"epsilon": -1e-7}, "epsilon"),
    ("Adafactor", {"beta_2_decay": 0.8}, "beta_2_decay"),
    ("Adafactor", {"clip_threshold": 0.0}, "clip_threshold"),
    ("Adafactor", {"epsilon_1": "1e-30"}, "epsilon_1"),
    ("Ftrl", {"learning_rate_power": 0.5}, "learning_rate_power"),
    ("Ftrl", {"initial_accumulator_value": -0.1}, "initial_accumulator_value"),
    ("Ftrl", {"l1_regularization_strength": -1.0}, "l1_regularization_strength"),
    ("Ftrl", {"l2_shrinkage_regularization_strength": -1.0}, "l2_shrinkage_regularization_strength"),
    ("Ftrl", {"beta": None}, "beta"),
])
def test_bad_arguments_raise_a_config_error_naming_the_argument(name, kwargs, argument):
    with pytest.raises(ConfigError, match=argument):
        getattr(kcore.optimizers, name)(**kwargs)


def test_lion_accepts_beta_1_of_one():
    assert kcore.optimizers.Lion(beta_1=1.0).beta_1 == 1.0


@pytest.mark.parametrize("name", NEW)
def test_config_round_trips_through_the_lowercase_name(name):
    optimizer = kcore.optimizers.get(name)
    config = optimizer.get_config()
    assert config["name"] == name
    clone = kcore.optimizers.get(name).from_config(config)
    assert type(clone) is type(optimizer) and clone.get_config() == config


# -- a model trains with each, by name -------------------------------------------------------------------------

LEARNING_RATES = {"lion": 0.003, "lamb": 0.01, "adafactor": 0.05, "ftrl": 0.2}


@pytest.mark.parametrize("name", NEW)
def test_a_small_model_compiled_with_the_name_lowers_its_loss(name):
    kcore.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 1)) + 0.5 * np.sin(x[:, :1])).astype("float32")
    model = models.Sequential([layers.Input(shape=(5,)), layers.Dense(16, activation="tanh"), layers.Dense(1)])
    model.compile(optimizer=name, loss="mse")
    assert type(model.optimizer) is type(kcore.optimizers.get(name))
    model.optimizer.learning_rate = LEARNING_RATES[name]
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0], f"{name}: loss {losses[0]:.4f} -> {losses[-1]:.4f}"
