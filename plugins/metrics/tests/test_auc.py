"""AUC against Keras 3's documented values, an exact rank statistic, and a direct trapezoid in NumPy."""

import json

import numpy as np
import pytest
from kcore_metrics import AUC

from kcore.errors import ConfigError, ShapeError

rng = np.random.default_rng(3)
Y_TRUE, Y_PRED, WEIGHTS = [0, 0, 1, 1], [0, 0.5, 0.3, 0.9], [1, 2, 3, 4]


def auc_of(y_true, y_pred, sample_weight=None, **kwargs):
    metric = AUC(**kwargs)
    metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    return float(metric.result())


def test_auc_reproduces_keras_docstring_example():
    assert auc_of(Y_TRUE, Y_PRED, num_thresholds=3) == pytest.approx(0.75)
    assert auc_of(Y_TRUE, Y_PRED, [1, 0, 0, 1], num_thresholds=3) == pytest.approx(1.0)


# Keras 3's own expected values for these inputs at thresholds [-1e-7, 0.5, 1 + 1e-7]:
# weighted counts tp = [7, 4, 0], fp = [3, 0, 0], fn = [0, 3, 7], tn = [0, 3, 3].
@pytest.mark.parametrize(("curve", "summation_method", "expected"), [
    ("ROC", "interpolation", (1 + 4 / 7) / 2),
    ("ROC", "majoring", 1.0),
    ("ROC", "minoring", 4 / 7),
    ("PR", "majoring", 3 / 7 + 4 / 7),
    ("PR", "minoring", 0.7 * 3 / 7),
    ("PR", "interpolation", 0.5 * (3 + 2 * np.log(2.5)) / 7 + 4 / 7),
    ("PRGAIN", "majoring", 1.0),
    ("PRGAIN", "minoring", 0.0),
    ("PRGAIN", "interpolation", 0.5),
])
def test_weighted_auc_matches_keras_values_for_each_curve_and_summation(curve, summation_method, expected):
    got = auc_of(Y_TRUE, Y_PRED, WEIGHTS, num_thresholds=3, curve=curve, summation_method=summation_method)
    assert got == pytest.approx(expected, abs=1e-5)


def test_pr_auc_interpolation_gives_zero_for_negative_weights_as_keras():
    assert auc_of(Y_TRUE, Y_PRED, [-1, -2, -3, -4], num_thresholds=3, curve="PR") == pytest.approx(0.0)


def test_roc_auc_with_many_thresholds_approaches_the_rank_statistic():
    y_true = rng.random(2000) > 0.5
    y_pred = np.clip(rng.normal(0.5 + 0.15 * y_true, 0.2), 0, 1).astype("float32")
    positives, negatives = y_pred[y_true], y_pred[~y_true]
    # P(score of a positive > score of a negative), ties counting half: the exact ROC AUC.
    exact = ((positives[:, None] > negatives[None, :]).mean() + 0.5 * (positives[:, None] == negatives).mean())
    assert auc_of(y_true, y_pred, num_thresholds=1000) == pytest.approx(exact, abs=2e-3)


def test_auc_equals_a_trapezoid_over_a_direct_count_at_the_default_thresholds():
    y_true, y_pred = rng.random(300) > 0.4, rng.random(300).astype("float32")
    metric = AUC()
    thresholds = np.asarray(metric.thresholds, "float32")
    positive = y_pred[None, :] > thresholds[:, None]
    tpr = (positive & y_true).sum(1) / y_true.sum()
    fpr = (positive & ~y_true).sum(1) / (~y_true).sum()
    expected = ((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2).sum()
    for part in np.array_split(np.arange(300), 4):
        metric.update_state(y_true[part], y_pred[part])
    assert float(metric.result()) == pytest.approx(expected, abs=1e-6)


def test_perfect_predictions_score_one_and_reversed_ones_zero():
    y_true = np.array([0, 1, 1, 0, 1], "float32")
    assert auc_of(y_true, y_true) == pytest.approx(1.0)
    assert auc_of(y_true, 1 - y_true) == pytest.approx(0.0)


def test_from_logits_applies_a_sigmoid_first():
    logits = np.log(np.array(Y_PRED) + 1e-12) - np.log1p(-np.array(Y_PRED))
    assert auc_of(Y_TRUE, logits.astype("float32"), num_thresholds=3, from_logits=True) == pytest.approx(0.75)


def test_manual_thresholds_replace_num_thresholds_and_gain_end_points():
    metric = AUC(num_thresholds=2, thresholds=[0.5])
    assert metric.num_thresholds == 3
    np.testing.assert_allclose(metric.thresholds, [0.0, 0.5, 1.0], atol=1e-6)
    metric.update_state(Y_TRUE, Y_PRED)
    assert float(metric.result()) == pytest.approx(0.75)


def test_multi_label_auc_is_the_mean_of_per_label_aucs():
    y_true, y_pred = rng.random((80, 3)) > 0.5, rng.random((80, 3)).astype("float32")
    metric = AUC(multi_label=True, num_thresholds=50)
    metric.update_state(y_true, y_pred)
    per_label = [auc_of(y_true[:, i], y_pred[:, i], num_thresholds=50) for i in range(3)]
    assert float(metric.result()) == pytest.approx(np.mean(per_label), abs=1e-6)
    weighted = AUC(multi_label=True, num_thresholds=50, label_weights=[1.0, 0.0, 3.0])
    weighted.update_state(y_true, y_pred)
    assert float(weighted.result()) == pytest.approx((per_label[0] + 3 * per_label[2]) / 4, abs=1e-6)


def test_multi_label_variables_are_created_on_first_update_when_num_labels_is_unknown():
    metric = AUC(multi_label=True)
    assert metric.variables == []
    metric.update_state(np.ones((2, 4)), np.full((2, 4), 0.5, "float32"))
    assert [v.shape for v in metric.variables] == [(200, 4)] * 4


def test_batches_with_weights_equal_one_update_and_reset_forgets_them():
    y_true, y_pred = rng.random(120) > 0.5, rng.random(120).astype("float32")
    weights = rng.random(120).astype("float32")
    batched, whole = AUC(curve="PR"), AUC(curve="PR")
    for part in np.array_split(np.arange(120), [5, 70]):
        batched.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    whole.update_state(y_true, y_pred, sample_weight=weights)
    assert float(batched.result()) == pytest.approx(float(whole.result()), abs=1e-6)
    batched.reset_state()
    assert all(float(abs(v.value).sum()) == 0 for v in batched.variables)
    batched.update_state(Y_TRUE, Y_PRED)
    assert float(batched.result()) == pytest.approx(auc_of(Y_TRUE, Y_PRED, curve="PR"))


def test_config_is_json_and_round_trips():
    metric = AUC(num_thresholds=100, curve="PR", summation_method="majoring", name="auc_1", multi_label=True,
                 num_labels=2, from_logits=True)
    config = metric.get_config()
    assert config == json.loads(json.dumps(config))
    assert "thresholds" not in config
    clone = AUC.from_config(config)
    assert clone.get_config() == config
    manual = AUC(num_thresholds=None, thresholds=[0.3, 0.5], curve="PR")
    assert AUC.from_config(manual.get_config()).num_thresholds == 4


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"num_thresholds": 1}, "num_thresholds=1"), ({"curve": "Invalid"}, "Invalid"),
    ({"summation_method": "Invalid"}, "Invalid"), ({"num_labels": 3}, "multi_label"),
])
def test_bad_arguments_are_refused_with_the_value_received(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        AUC(**kwargs)


def test_multi_label_predictions_of_the_wrong_width_are_a_shape_error():
    metric = AUC(multi_label=True, num_labels=3)
    with pytest.raises(ShapeError, match=r"\(samples, 3\)"):
        metric.update_state(np.ones((2, 4)), np.ones((2, 4), "float32"))
