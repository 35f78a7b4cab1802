"""Learning-rate schedules: values at given steps against Keras 3's formulas, configs, arrays of steps, errors."""

import math

import numpy as np
import pytest

import kcore
from kcore.errors import ConfigError
from kcore.optimizers import schedules
from kcore.optimizers.schedules import LearningRateSchedule

STEPS = [0, 1, 7, 99, 100, 101, 250, 1000]


def cosine_restarts(step, initial, first, t_mul, m_mul, alpha):
    """SGDR by walking the periods one by one (independent of the closed form the schedule uses)."""
    start, period, peak = 0.0, float(first), 1.0
    while step >= start + period:
        start, period, peak = start + period, period * t_mul, peak * m_mul
    fraction = (step - start) / period
    return initial * ((1 - alpha) * peak * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)


def cosine_with_warmup(step, initial, decay_steps, alpha, target, warmup):
    if target is None:
        step = min(step, decay_steps)
        return initial * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)
    step = min(step, decay_steps + warmup)
    if step < warmup:
        return initial + (target - initial) * step / warmup
    return target * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * (step - warmup) / decay_steps)) + alpha)


CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5},
     lambda s: 0.1 * 0.5 ** (s / 100)),
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5, "staircase": True},
     lambda s: 0.1 * 0.5 ** (s // 100)),
    ("InverseTimeDecay", {"initial_learning_rate": 0.2, "decay_steps": 50, "decay_rate": 0.3},
     lambda s: 0.2 / (1 + 0.3 * s / 50)),
    ("InverseTimeDecay", {"initial_learning_rate": 0.2, "decay_steps": 50, "decay_rate": 0.3, "staircase": True},
     lambda s: 0.2 / (1 + 0.3 * (s // 50))),
    ("PiecewiseConstantDecay", {"boundaries": [100, 250], "values": [1.0, 0.5, 0.1]},
     lambda s: 1.0 if s <= 100 else 0.5 if s <= 250 else 0.1),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 100},
     lambda s: (0.1 - 1e-4) * (1 - min(s, 100) / 100) + 1e-4),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 100, "end_learning_rate": 0.01, "power": 2.0,
                         "cycle": True},
     lambda s: 0.09 * (1 - s / (100 * max(1, math.ceil(s / 100)))) ** 2 + 0.01),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 200},
     lambda s: cosine_with_warmup(s, 0.1, 200, 0.0, None, 0)),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 200, "alpha": 0.1},
     lambda s: cosine_with_warmup(s, 0.1, 200, 0.1, None, 0)),
    ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 200, "warmup_target": 0.3, "warmup_steps": 100},
     lambda s: cosine_with_warmup(s, 0.0, 200, 0.0, 0.3, 100)),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 60},
     lambda s: cosine_restarts(s, 0.1, 60, 2.0, 1.0, 0.0)),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 40, "t_mul": 1.0, "m_mul": 0.5,
                             "alpha": 0.2},
     lambda s: cosine_restarts(s, 0.1, 40, 1.0, 0.5, 0.2)),
]
IDS = [f"{name}-{i}" for i, (name, *_) in enumerate(CASES)]


@pytest.mark.parametrize(("name", "kwargs", "formula"), CASES, ids=IDS)
def test_schedule_values_at_given_steps_follow_the_formula(name, kwargs, formula):
    schedule = getattr(schedules, name)(**kwargs)
    assert isinstance(schedule, LearningRateSchedule)
    for step in STEPS:
        value = schedule(step)
        assert isinstance(value, float)
        assert value == pytest.approx(formula(step), rel=1e-9, abs=1e-12), f"{name} at step {step}"


@pytest.mark.parametrize(("name", "kwargs", "formula"), CASES, ids=IDS)
def test_an_array_of_steps_gives_a_float32_array_of_the_same_values(name, kwargs, formula):
    values = getattr(schedules, name)(**kwargs)(np.array(STEPS))
    assert values.dtype == np.float32 and values.shape == (len(STEPS),)
    np.testing.assert_allclose(values, [formula(s) for s in STEPS], rtol=2e-5, atol=1e-7)


@pytest.mark.parametrize(("name", "kwargs", "formula"), CASES, ids=IDS)
def test_schedule_config_round_trips_with_keras_keys(name, kwargs, formula):
    schedule = getattr(schedules, name)(**kwargs)
    config = schedule.get_config()
    assert {k: config[k] for k in kwargs} == kwargs
    clone = type(schedule).from_config(config)
    assert clone.get_config() == config
    assert clone(123) == schedule(123)


def test_schedule_configs_have_exactly_keras_keys_and_default_names():
    keys = {
        "ExponentialDecay": ({"initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"},
                             "ExponentialDecay"),
        "InverseTimeDecay": ({"initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"},
                             "InverseTimeDecay"),
        "PiecewiseConstantDecay": ({"boundaries", "values", "name"}, "PiecewiseConstant"),
        "PolynomialDecay": ({"initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle", "name"},
                            "PolynomialDecay"),
        "CosineDecay": ({"initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target", "warmup_steps"},
                        "CosineDecay"),
        "CosineDecayRestarts": ({"initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha", "name"},
                                "SGDRDecay"),
    }
    for name, kwargs, _ in CASES:
        expected_keys, default_name = keys[name]
        config = getattr(schedules, name)(**kwargs).get_config()
        assert set(config) == expected_keys and config["name"] == default_name


def test_the_step_counter_variable_can_be_passed_as_the_step():
    counter = kcore.Variable(5, dtype="int64")
    assert schedules.ExponentialDecay(1.0, 10, 0.5)(counter) == pytest.approx(0.5**0.5)


@pytest.mark.parametrize(("name", "kwargs", "argument"), [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5}, "decay_steps"),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": -1, "decay_rate": 0.5}, "decay_steps"),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 0}, "decay_steps"),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 0}, "decay_steps"),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "warmup_steps": -5}, "warmup_steps"),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 0}, "first_decay_steps"),
    ("PiecewiseConstantDecay", {"boundaries": [10, 20], "values": [1.0, 0.5]}, "values"),
    ("PiecewiseConstantDecay", {"boundaries": [20, 10], "values": [1.0, 0.5, 0.1]}, "increasing"),
])
def test_bad_schedule_arguments_raise_a_config_error_naming_them(name, kwargs, argument):
    with pytest.raises(ConfigError, match=argument):
        getattr(schedules, name)(**kwargs)
