"""What every optimizer owes its users besides the update equations: it trains, it clips, it decays, it saves
its configuration and its state, and it accepts the spellings older code uses."""

import tomllib
import warnings
from pathlib import Path

import numpy as np
import pytest
from kcore_optimizers import plugin

import kcore
import kcore.optimizers
from kcore import GradientTape, ops
from kcore.errors import ConfigError
from kcore.plugins import catalogue, manager

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"

#: A learning rate at which each optimizer makes visible progress on the quadratic within 50 steps.
TRAINING_RATES = {"SGD": 0.05, "RMSprop": 0.01, "Adam": 0.05, "AdamW": 0.05, "Adagrad": 0.3, "Adadelta": 5.0,
                  "Adamax": 0.05, "Nadam": 0.05, "Lion": 0.02, "Lamb": 0.05, "Adafactor": 1.0, "Ftrl": 0.5}
NON_DEFAULT = {
    "SGD": {"momentum": 0.5, "nesterov": True},
    "RMSprop": {"rho": 0.8, "momentum": 0.1, "epsilon": 1e-6, "centered": True},
    "Adam": {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6, "amsgrad": True},
    "AdamW": {"weight_decay": 0.01, "beta_1": 0.8, "amsgrad": True},
    "Adagrad": {"initial_accumulator_value": 0.5, "epsilon": 1e-6},
    "Adadelta": {"rho": 0.9, "epsilon": 1e-6},
    "Adamax": {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6},
    "Nadam": {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6},
    "Lion": {"beta_1": 0.8, "beta_2": 0.9},
    "Lamb": {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6},
    "Adafactor": {"beta_2_decay": -0.5, "epsilon_1": 1e-20, "epsilon_2": 0.01, "clip_threshold": 2.0,
                  "relative_step": False},
    "Ftrl": {"learning_rate_power": -0.3, "initial_accumulator_value": 0.5, "l1_regularization_strength": 0.01,
             "l2_regularization_strength": 0.02, "l2_shrinkage_regularization_strength": 0.03, "beta": 0.1},
}
KERAS_DEFAULTS = {
    "SGD": {"name": "SGD", "learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "RMSprop": {"name": "rmsprop", "learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7,
                "centered": False},
    "Adam": {"name": "adam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
             "amsgrad": False},
    "AdamW": {"name": "adamw", "learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999,
              "epsilon": 1e-7, "amsgrad": False},
    "Adagrad": {"name": "adagrad", "learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
    "Adadelta": {"name": "adadelta", "learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
    "Adamax": {"name": "adamax", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "Nadam": {"name": "nadam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "Lion": {"name": "lion", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.99},
    "Lamb": {"name": "lamb", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "Adafactor": {"name": "adafactor", "learning_rate": 0.001, "beta_2_decay": -0.8, "epsilon_1": 1e-30,
                  "epsilon_2": 1e-3, "clip_threshold": 1.0, "relative_step": True},
    "Ftrl": {"name": "ftrl", "learning_rate": 0.001, "learning_rate_power": -0.5, "initial_accumulator_value": 0.1,
             "l1_regularization_strength": 0.0, "l2_regularization_strength": 0.0,
             "l2_shrinkage_regularization_strength": 0.0, "beta": 0.0},
}
NAMES = sorted(plugin.OPTIMIZERS)


def _quadratic():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(6, 4)).astype("float32")
    b = rng.normal(size=(6,)).astype("float32")
    return lambda w: ops.mean(ops.square(ops.matmul(a, w) - b))


def _train(optimizer, variables, loss_fn, steps):
    for _ in range(steps):
        with GradientTape() as tape:
            loss = loss_fn(*variables)
        optimizer.apply(tape.gradient(loss, variables), variables)
    return float(loss_fn(*variables))


def test_every_registered_name_is_declared_in_pyproject_and_the_catalogue():
    declared = tomllib.loads(PYPROJECT.read_text())["project"]["entry-points"]["kcore.provides"]
    expected = {kind: sorted(names) for kind, names in plugin.names().items()}
    assert sorted(declared) == sorted(f"{kind}:{n}" for kind, names in expected.items() for n in names)
    for kind, names in expected.items():
        assert sorted(catalogue.FIRST_PARTY["kcore-optimizers"][kind].split()) == names
        for name in names:
            assert manager().get(kind, name) is not None


@pytest.mark.parametrize("name", NAMES)
def test_lowercase_names_give_the_optimizer_with_keras_defaults(name):
    optimizer = kcore.optimizers.get(name.lower())
    assert type(optimizer) is getattr(kcore.optimizers, name)
    config = optimizer.get_config()
    assert {k: config[k] for k in KERAS_DEFAULTS[name]} == KERAS_DEFAULTS[name]
    assert {"clipnorm", "clipvalue", "global_clipnorm", "use_ema", "ema_momentum"} <= set(config)


@pytest.mark.parametrize("name", NAMES)
def test_each_optimizer_decreases_a_quadratic(name):
    loss_fn = _quadratic()
    w = kcore.Variable(np.zeros((4,), "float32"), name="w")
    start = float(loss_fn(w))
    end = _train(getattr(kcore.optimizers, name)(learning_rate=TRAINING_RATES[name]), [w], loss_fn, 50)
    assert end < 0.7 * start, f"{name}: loss {start} -> {end}"


@pytest.mark.parametrize("name", NAMES)
def test_legacy_lr_keyword_warns_and_sets_the_learning_rate(name):
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        optimizer = getattr(kcore.optimizers, name)(lr=0.25)
    assert optimizer.learning_rate == 0.25
    assert optimizer.get_config()["learning_rate"] == 0.25


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trips_with_non_default_arguments_and_a_schedule(name):
    schedule = kcore.optimizers.schedules.PiecewiseConstantDecay([2], [0.1, 0.01])
    optimizer = getattr(kcore.optimizers, name)(learning_rate=schedule, clipnorm=1.5, **NON_DEFAULT[name])
    config = optimizer.get_config()
    clone = type(optimizer).from_config(config)
    assert clone.get_config() == config
    assert isinstance(clone._learning_rate, kcore.optimizers.schedules.PiecewiseConstantDecay)
    for key, value in NON_DEFAULT[name].items():
        assert config[key] == value


@pytest.mark.parametrize("name", NAMES)
def test_state_restored_into_a_fresh_optimizer_continues_identically(name):
    loss_fn = _quadratic()
    kwargs = {**NON_DEFAULT[name], "learning_rate": TRAINING_RATES[name] / 5}
    w = kcore.Variable(np.full((4,), 0.5, "float32"), name="w")
    first = getattr(kcore.optimizers, name)(**kwargs)
    _train(first, [w], loss_fn, 3)

    w_copy = kcore.Variable(w.numpy(), name="w")
    second = getattr(kcore.optimizers, name).from_config(first.get_config())
    second.build([w_copy])
    assert len(second.variables) == len(first.variables)
    for target, source in zip(second.variables, first.variables, strict=True):
        assert target.shape == source.shape and target.dtype == source.dtype
        target.assign(source.value)

    _train(first, [w], loss_fn, 4)
    _train(second, [w_copy], loss_fn, 4)
    np.testing.assert_array_equal(w_copy.numpy(), w.numpy())
    assert int(second.iterations.value) == 7


def test_state_holds_the_step_counter_first_then_the_slots():
    w = kcore.Variable(np.zeros(2, "float32"), name="w")
    optimizer = kcore.optimizers.Nadam()
    optimizer.apply([np.ones(2, "float32")], [w])
    assert [v.name for v in optimizer.variables] == ["iteration", "w_momentum", "w_velocity", "u_product"]
    assert float(optimizer.variables[-1].value) == pytest.approx(0.9 * (1 - 0.5 * 0.96))


def test_sgd_without_momentum_creates_no_slot():
    optimizer = kcore.optimizers.SGD()
    optimizer.apply([np.ones(2, "float32")], [kcore.Variable(np.zeros(2, "float32"))])
    assert len(optimizer.variables) == 1


# -- clipping and weight decay, through the base class, checked on SGD where the arithmetic is plain --------


def _sgd_step(grads, **kwargs):
    variables = [kcore.Variable(np.ones(g.shape, "float32")) for g in grads]
    kcore.optimizers.SGD(learning_rate=0.1, **kwargs).apply([g.astype("float32") for g in grads], variables)
    return [v.numpy() for v in variables]


GRADS = [np.array([3.0, 4.0]), np.array([0.5, -12.0, 0.1])]


def test_clipvalue_clips_each_element():
    got = _sgd_step(GRADS, clipvalue=1.0)
    for g, w in zip(GRADS, got, strict=True):
        np.testing.assert_allclose(w, 1 - 0.1 * np.clip(g, -1, 1), rtol=1e-6)


def test_clipnorm_scales_each_gradient_to_at_most_that_norm():
    got = _sgd_step(GRADS, clipnorm=2.0)
    for g, w in zip(GRADS, got, strict=True):
        np.testing.assert_allclose(w, 1 - 0.1 * g * min(1, 2.0 / np.linalg.norm(g)), rtol=1e-6)


def test_global_clipnorm_scales_all_gradients_by_one_factor():
    got = _sgd_step(GRADS, global_clipnorm=5.0)
    scale = 5.0 / np.sqrt(sum((g**2).sum() for g in GRADS))
    for g, w in zip(GRADS, got, strict=True):
        np.testing.assert_allclose(w, 1 - 0.1 * g * scale, rtol=1e-6)


def test_only_one_clipping_option_is_accepted():
    with pytest.raises(ConfigError, match="at most one"):
        kcore.optimizers.Adam(clipnorm=1.0, clipvalue=1.0)


@pytest.mark.parametrize("name", NAMES)
def test_weight_decay_shrinks_the_weights_by_decay_times_learning_rate_before_the_update(name):
    w_decayed = kcore.Variable(np.full(3, 2.0, "float32"))
    w_plain = kcore.Variable(np.full(3, 2.0 * (1 - 0.5 * 0.1), "float32"))
    grad = np.array([0.3, -0.2, 0.1], "float32")
    kwargs = {"learning_rate": 0.1, "weight_decay": 0.5}
    getattr(kcore.optimizers, name)(**kwargs).apply([grad], [w_decayed])
    plain_kwargs = {"learning_rate": 0.1, "weight_decay": 0.0} if name == "AdamW" else {"learning_rate": 0.1}
    getattr(kcore.optimizers, name)(**plain_kwargs).apply([grad], [w_plain])
    np.testing.assert_allclose(w_decayed.numpy(), w_plain.numpy(), rtol=1e-6)


def test_excluded_variables_do_not_decay():
    w, bias = kcore.Variable(np.ones(2, "float32"), name="w"), kcore.Variable(np.ones(2, "float32"), name="bias")
    optimizer = kcore.optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    optimizer.apply([np.zeros(2, "float32"), np.zeros(2, "float32")], [w, bias])
    np.testing.assert_allclose(w.numpy(), [0.95, 0.95])
    np.testing.assert_allclose(bias.numpy(), [1.0, 1.0])


# -- argument checks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs", "argument"), [
    ("SGD", {"momentum": 1.5}, "momentum"),
    ("SGD", {"momentum": -0.1}, "momentum"),
    ("RMSprop", {"rho": 2.0}, "rho"),
    ("Adam", {"beta_1": 1.0}, "beta_1"),
    ("Adam", {"epsilon": -1.0}, "epsilon"),
    ("AdamW", {"weight_decay": None}, "weight_decay"),
    ("Adagrad", {"initial_accumulator_value": -0.1}, "initial_accumulator_value"),
    ("Nadam", {"beta_2": "0.9"}, "beta_2"),
    ("Adam", {"learning_rate": -1.0}, "learning_rate"),
    ("Adam", {"decay": 0.1}, "decay"),
])
def test_bad_arguments_raise_a_config_error_naming_the_argument(name, kwargs, argument):
    with pytest.raises(ConfigError, match=argument):
        getattr(kcore.optimizers, name)(**kwargs)


def test_building_twice_keeps_the_first_slots():
    w = kcore.Variable(np.zeros(2, "float32"))
    optimizer = kcore.optimizers.Adam()
    optimizer.build([w])
    optimizer.build([w])
    assert len(optimizer.variables) == 3


def test_no_warning_is_raised_by_a_plain_step():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in NAMES:
            getattr(kcore.optimizers, name)().apply([np.ones(2, "float32")], [kcore.Variable(np.ones(2, "float32"))])
