"""PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity and SpecificityAtSensitivity against a NumPy
search over the thresholds, and Keras 3's examples."""

import numpy as np
import pytest
from kcore_metrics import PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity

from kcore.errors import ConfigError, ShapeError

rng = np.random.default_rng(17)
Y_TRUE, Y_PRED = [0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]


def rates(y_true, y_pred, weights, num_thresholds):
    """Recall, precision and specificity at 0, 1/(n-1), ..., 1, a prediction positive when strictly above."""
    thresholds = np.linspace(0, 1, num_thresholds)[:, None]
    positive, real = np.clip(y_pred, 0, 1)[None, :] > thresholds, (y_true != 0)[None, :]
    tp, fp = ((positive & real) * weights).sum(1), ((positive & ~real) * weights).sum(1)
    tn, fn = ((~positive & ~real) * weights).sum(1), ((~positive & real) * weights).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {name: np.nan_to_num(value) for name, value in
                {"recall": tp / (tp + fn), "precision": tp / (tp + fp), "specificity": tn / (tn + fp)}.items()}


def best_under_floor(constrained, maximized, floor):
    feasible = constrained >= floor
    return maximized[feasible].max() if feasible.any() else 0.0


# (class, floor argument, constrained rate, maximized rate)
CASES = [(PrecisionAtRecall, "recall", "recall", "precision"),
         (RecallAtPrecision, "precision", "precision", "recall"),
         (SensitivityAtSpecificity, "specificity", "specificity", "recall"),
         (SpecificityAtSensitivity, "sensitivity", "recall", "specificity")]


@pytest.mark.parametrize(("make", "value", "weights", "plain", "weighted"), [
    (SensitivityAtSpecificity, 0.5, [1, 1, 2, 2, 1], 0.5, 1 / 3),
    (SpecificityAtSensitivity, 0.5, [1, 1, 2, 2, 2], 2 / 3, 0.5),
    (PrecisionAtRecall, 0.5, [2, 2, 2, 1, 1], 0.5, 1 / 3),
])
def test_keras_docstring_examples(make, value, weights, plain, weighted):
    metric = make(value)
    metric.update_state(Y_TRUE, Y_PRED)
    assert float(metric.result()) == pytest.approx(plain, rel=1e-5)
    metric.reset_state()
    metric.update_state(Y_TRUE, Y_PRED, sample_weight=weights)
    assert float(metric.result()) == pytest.approx(weighted, rel=1e-5)


def test_recall_at_precision_keras_docstring_example():
    metric = RecallAtPrecision(0.8)
    metric.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert float(metric.result()) == pytest.approx(0.5)
    metric.reset_state()
    metric.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert float(metric.result()) == pytest.approx(1.0)


@pytest.mark.parametrize(("make", "argument", "constrained", "maximized"), CASES)
@pytest.mark.parametrize(("floor", "num_thresholds"), [(0.3, 200), (0.8, 200), (0.6, 7)])
def test_weighted_batches_match_a_numpy_search_over_the_thresholds(make, argument, constrained, maximized, floor,
                                                                   num_thresholds):
    y_true = rng.random(300) > 0.5
    y_pred = np.clip(np.where(y_true, 0.25, -0.25) + rng.normal(0.5, 0.3, 300), -0.2, 1.2).astype("float32")
    weights = rng.random(300).astype("float32")
    metric = make(**{argument: floor}, num_thresholds=num_thresholds)
    for part in np.array_split(np.arange(300), [50, 170]):
        metric.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    found = rates(y_true, y_pred, weights, num_thresholds)
    result = metric.result()
    assert result.dtype == np.float32 and result.shape == ()
    assert float(result) == pytest.approx(best_under_floor(found[constrained], found[maximized], floor), rel=1e-5)


def test_class_id_scores_one_column_of_the_predictions():
    y_true = (rng.random((80, 4)) > 0.5).astype("float32")
    y_pred = rng.random((80, 4)).astype("float32")
    metric = RecallAtPrecision(0.6, num_thresholds=50, class_id=2)
    metric.update_state(y_true, y_pred)
    found = rates(y_true[:, 2], y_pred[:, 2], np.ones(80), 50)
    assert float(metric.result()) == pytest.approx(best_under_floor(found["precision"], found["recall"], 0.6))


def test_one_threshold_is_one_half():
    metric = SensitivityAtSpecificity(0.0, num_thresholds=1)
    assert metric.thresholds == [0.5]
    metric.update_state([1, 1, 0], [0.6, 0.4, 0.9])
    assert float(metric.result()) == pytest.approx(0.5)  # recall at 0.5: one of two positives


def test_an_unreachable_floor_gives_zero_and_reset_state_zeroes_the_counts():
    metric = RecallAtPrecision(1.0)
    metric.update_state([0, 1], [0.9, 0.1])  # the negative always scores above the positive
    assert float(metric.result()) == 0.0
    assert [v.name for v in metric.variables] == ["true_positives", "false_positives", "true_negatives",
                                                  "false_negatives"]
    metric.reset_state()
    assert all(float(v.value.sum()) == 0 for v in metric.variables)


@pytest.mark.parametrize(("make", "argument", "constrained", "maximized"), CASES)
def test_config_has_keras_keys_and_round_trips(make, argument, constrained, maximized):
    metric = make(**{argument: 0.4}, num_thresholds=20, class_id=1, name="m")
    config = metric.get_config()
    assert config == {"name": "m", "dtype": "float32", "class_id": 1, "num_thresholds": 20, argument: 0.4}
    rebuilt = make.from_config(config)
    assert rebuilt.get_config() == config and getattr(rebuilt, argument) == 0.4
    assert make(**{argument: 0.4}).name == {PrecisionAtRecall: "precision_at_recall",
                                            RecallAtPrecision: "recall_at_precision",
                                            SensitivityAtSpecificity: "sensitivity_at_specificity",
                                            SpecificityAtSensitivity: "specificity_at_sensitivity"}[make]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"recall": 1.5}, "recall=1.5"), ({"recall": -0.1}, r"recall=-0\.1"), ({"recall": "high"}, "recall='high'"),
    ({"recall": 0.5, "num_thresholds": 0}, "num_thresholds=0"),
    ({"recall": 0.5, "num_thresholds": 2.5}, "num_thresholds=2.5"),
    ({"recall": 0.5, "class_id": -1}, "class_id=-1"),
])
def test_bad_arguments_are_refused_with_the_value_received(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        PrecisionAtRecall(**kwargs)


def test_class_id_outside_the_predictions_is_a_shape_error():
    with pytest.raises(ShapeError, match="class_id=4"):
        SpecificityAtSensitivity(0.5, class_id=4).update_state(np.ones((3, 2)), np.ones((3, 2)))
