"""ReduceLROnPlateau and LearningRateScheduler set `model.optimizer.learning_rate` as Keras 3 does."""

import math

import numpy as np
import pytest
from kcore_callbacks import LambdaCallback, LearningRateScheduler, ReduceLROnPlateau

from kcore.errors import ConfigError


def flat(n, name="val_loss", value=1.0):
    return [{"loss": value, name: value} for _ in range(n)]


def rates_after_each_epoch(fit, model, callback, logs):
    seen = []
    fit([callback, LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(model.optimizer.learning_rate))],
        model, logs)
    return seen


def test_the_rate_is_multiplied_by_factor_after_patience_flat_epochs(fit, model):
    rates = rates_after_each_epoch(fit, model, ReduceLROnPlateau(factor=0.5, patience=2), flat(6))
    np.testing.assert_allclose(rates, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])


def test_improvements_keep_the_rate(fit, model):
    logs = [{"val_loss": v} for v in (1.0, 0.9, 0.8, 0.7)]
    assert rates_after_each_epoch(fit, model, ReduceLROnPlateau(patience=1), logs) == [0.1] * 4


def test_changes_below_min_delta_count_as_a_plateau(fit, model):
    logs = [{"val_loss": v} for v in (1.0, 0.99, 0.98)]
    rates = rates_after_each_epoch(fit, model, ReduceLROnPlateau(patience=1, factor=0.5, min_delta=0.05), logs)
    np.testing.assert_allclose(rates, [0.1, 0.05, 0.025])


def test_cooldown_waits_before_counting_again(fit, model):
    rates = rates_after_each_epoch(fit, model, ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2), flat(6))
    np.testing.assert_allclose(rates, [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125])


def test_the_rate_never_goes_below_min_lr(fit, model):
    rates = rates_after_each_epoch(fit, model, ReduceLROnPlateau(patience=0, min_lr=0.005), flat(5))
    np.testing.assert_allclose(rates, [0.1, 0.01, 0.005, 0.005, 0.005])


def test_a_rate_at_min_lr_rounded_through_float32_is_not_reduced_again(fit, model, capsys):
    class Float32Optimizer:
        def __init__(self):
            self._lr = np.float32(1e-3)

        @property
        def learning_rate(self):
            return self._lr

        @learning_rate.setter
        def learning_rate(self, value):
            self._lr = np.float32(value)

    model.optimizer = Float32Optimizer()
    fit([ReduceLROnPlateau(patience=0, min_lr=1e-4, verbose=1)], model, flat(6))
    assert capsys.readouterr().out.count("reducing learning rate") == 1


def test_max_mode_watches_for_a_rising_quantity(fit, model):
    logs = [{"val_accuracy": v} for v in (0.5, 0.6, 0.6, 0.6)]
    rates = rates_after_each_epoch(fit, model, ReduceLROnPlateau("val_accuracy", factor=0.5, patience=2), logs)
    np.testing.assert_allclose(rates, [0.1, 0.1, 0.1, 0.05])


def test_the_learning_rate_is_logged(fit, model):
    logged = []
    fit([ReduceLROnPlateau(), LambdaCallback(on_epoch_end=lambda e, logs: logged.append(logs["learning_rate"]))],
        model, flat(2))
    assert logged == [0.1, 0.1]


def test_a_factor_of_one_or_more_is_refused():
    with pytest.raises(ConfigError, match=r"factor=1\.0"):
        ReduceLROnPlateau(factor=1.0)


def test_the_schedule_sets_the_rate_at_the_start_of_each_epoch(fit, model):
    schedule = LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.5)
    np.testing.assert_allclose(fit([schedule], model, flat(4)), [0.1, 0.1, 0.05, 0.025])


def test_a_one_argument_schedule_receives_the_epoch(fit, model):
    assert fit([LearningRateScheduler(lambda epoch: 1.0 / (epoch + 1))], model, flat(3)) == [1.0, 0.5, 1 / 3]


def test_keras_docstring_schedule_gives_keras_rate_after_fifteen_epochs(fit, model):
    model.optimizer.learning_rate = 0.01
    fit([LearningRateScheduler(lambda epoch, lr: lr if epoch < 10 else lr * math.exp(-0.1))], model, flat(15))
    assert round(model.optimizer.learning_rate, 5) == 0.00607


def test_numpy_float32_rates_are_accepted_and_logged_as_floats(fit, model):
    logged = []
    fit([LearningRateScheduler(lambda epoch, lr: np.float32(0.25)),
         LambdaCallback(on_epoch_end=lambda e, logs: logged.append(logs["learning_rate"]))], model, flat(1))
    assert logged == [0.25] and type(model.optimizer.learning_rate) is float


def test_a_schedule_returning_something_else_than_a_number_is_refused(fit, model):
    with pytest.raises(ConfigError, match=r"should be a float\. Got: .0\.1. at epoch 0"):
        fit([LearningRateScheduler(lambda epoch, lr: "0.1")], model, flat(1))


def test_verbose_announces_each_rate(fit, model, capsys):
    fit([LearningRateScheduler(lambda epoch, lr: 0.5, verbose=1)], model, flat(1))
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.5." in capsys.readouterr().out
