"""EarlyStopping: the epoch it stops at, for each of its arguments, with hand-made logs."""

import numpy as np
import pytest
from kcore_callbacks import EarlyStopping


def losses(*values, name="val_loss"):
    return [{"loss": 1.0, name: v} for v in values]


def epochs_run(fit, model, callback, logs):
    return len(fit([callback], model, logs))


@pytest.mark.parametrize(("patience", "values", "expected_epochs"), [
    (0, (1.0, 0.9, 0.95, 0.8), 3),  # stops at the first epoch without improvement
    (2, (1.0, 0.9, 0.95, 0.96, 0.5), 4),  # two epochs without improvement
    (2, (1.0, 0.9, 0.95, 0.85, 0.86, 0.7), 6),  # an improvement resets the count
    (1, (3.0, 2.0, 1.0), 3),  # never stops while improving
])
def test_training_stops_after_patience_epochs_without_improvement(fit, model, patience, values, expected_epochs):
    callback = EarlyStopping(patience=patience)
    assert epochs_run(fit, model, callback, losses(*values)) == expected_epochs
    assert callback.stopped_epoch == (expected_epochs - 1 if expected_epochs < len(values) else 0)


def test_changes_smaller_than_min_delta_are_not_improvements(fit, model):
    assert epochs_run(fit, model, EarlyStopping(patience=1, min_delta=0.1), losses(1.0, 0.95, 0.93, 0.5)) == 2
    assert epochs_run(fit, model, EarlyStopping(patience=1, min_delta=0.01), losses(1.0, 0.95, 0.93, 0.5)) == 4


@pytest.mark.parametrize("monitor", ["val_accuracy", "acc", "val_auc"])
def test_auto_mode_maximises_accuracy_and_auc(fit, model, monitor):
    assert epochs_run(fit, model, EarlyStopping(monitor=monitor), losses(0.5, 0.6, 0.7, name=monitor)) == 3
    assert epochs_run(fit, model, EarlyStopping(monitor=monitor), losses(0.7, 0.6, 0.8, name=monitor)) == 2


def test_auto_mode_follows_the_direction_of_the_models_metric_of_that_name(fit, model):
    class Precision:
        name, _direction = "precision", "up"

    model.metrics = [Precision()]
    callback = EarlyStopping(monitor="val_precision")
    assert epochs_run(fit, model, callback, losses(0.5, 0.6, 0.4, name="val_precision")) == 3


def test_explicit_mode_overrides_the_name(fit, model):
    assert epochs_run(fit, model, EarlyStopping(monitor="val_loss", mode="max"), losses(1.0, 0.5)) == 2
    assert epochs_run(fit, model, EarlyStopping(monitor="val_accuracy", mode="min"),
                      losses(0.5, 0.4, 0.3, name="val_accuracy")) == 3


def test_an_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="'maximum' is unknown"):
        assert EarlyStopping(mode="maximum").mode == "auto"


def test_until_the_baseline_is_beaten_improvements_do_not_reset_the_patience(fit, model):
    values = (0.9, 0.8, 0.85, 0.86)
    assert epochs_run(fit, model, EarlyStopping(patience=3, baseline=0.5), losses(*values)) == 3
    assert epochs_run(fit, model, EarlyStopping(patience=3), losses(*values)) == 4
    # once beaten, the baseline no longer matters
    assert epochs_run(fit, model, EarlyStopping(patience=2, baseline=0.5), losses(0.4, 0.3, 0.35, 0.2)) == 4


def test_start_from_epoch_ignores_the_warm_up_epochs(fit, model):
    rising = losses(1.0, 2.0, 3.0, 4.0, 5.0)
    assert epochs_run(fit, model, EarlyStopping(), rising) == 2
    assert epochs_run(fit, model, EarlyStopping(start_from_epoch=2), rising) == 4


def test_restore_best_weights_sets_the_weights_of_the_best_epoch_at_train_end(fit, model):
    fit([EarlyStopping(patience=2, restore_best_weights=True)], model, losses(1.0, 0.5, 0.7, 0.8, 0.1))
    np.testing.assert_array_equal(model.kernel, [1, 1, 1])  # epoch 1 had the best loss; stopped at epoch 3


def test_restore_best_weights_also_applies_when_training_runs_to_the_end(fit, model):
    fit([EarlyStopping(patience=5, restore_best_weights=True)], model, losses(1.0, 0.2, 0.7))
    np.testing.assert_array_equal(model.kernel, [1, 1, 1])


def test_without_restore_best_weights_the_last_weights_stay(fit, model):
    fit([EarlyStopping(patience=2)], model, losses(1.0, 0.5, 0.7, 0.8, 0.1))
    np.testing.assert_array_equal(model.kernel, [3, 3, 3])


def test_best_weights_are_a_snapshot_even_when_the_model_hands_out_live_arrays(fit, model):
    model.get_weights = lambda: [model.kernel]  # the live array, mutated in place by the next epoch
    fit([EarlyStopping(patience=1, restore_best_weights=True)], model, losses(0.5, 0.9))
    np.testing.assert_array_equal(model.kernel, [0, 0, 0])


def test_a_missing_monitor_warns_with_the_available_names_and_never_stops(fit, model):
    logs = [{"loss": 1.0, "accuracy": 0.5}] * 3
    with pytest.warns(UserWarning, match="`val_loss` which is not available. Available metrics are: loss,accuracy"):
        assert epochs_run(fit, model, EarlyStopping(), logs) == 3


def test_one_instance_serves_several_fits(fit, model):
    callback = EarlyStopping(patience=0, restore_best_weights=True)
    fit([callback], model, losses(0.1, 0.2))
    assert epochs_run(fit, model, callback, losses(1.0, 0.9, 0.8)) == 3  # the old best 0.1 is forgotten
    assert callback.stopped_epoch == 0


def test_verbose_reports_the_stop_and_the_restore(fit, model, capsys):
    fit([EarlyStopping(verbose=1, restore_best_weights=True)], model, losses(1.0, 2.0))
    out = capsys.readouterr().out
    assert "Epoch 2: early stopping" in out and "best epoch: 1." in out
