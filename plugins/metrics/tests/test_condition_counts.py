"""TruePositives, FalsePositives, TrueNegatives, FalseNegatives against a direct NumPy count and Keras 3's
examples."""

import numpy as np
import pytest
from kcore_metrics import FalseNegatives, FalsePositives, TrueNegatives, TruePositives

import kcore.metrics
import kcore.plugins
from kcore.errors import ConfigError

rng = np.random.default_rng(6)
CLASSES = [TruePositives, FalsePositives, TrueNegatives, FalseNegatives]


def direct_count(cls, y_true, y_pred, threshold, weights):
    predicted, real = y_pred > threshold, y_true != 0
    condition = {TruePositives: predicted & real, FalsePositives: predicted & ~real,
                 TrueNegatives: ~predicted & ~real, FalseNegatives: ~predicted & real}[cls]
    return float((condition * weights).sum())


# Keras 3's docstring examples: (y_true, y_pred, plain, with sample_weight=[0, 0, 1, 0]).
@pytest.mark.parametrize(("cls", "y_true", "y_pred", "plain", "weighted"), [
    (TruePositives, [0, 1, 1, 1], [1, 0, 1, 1], 2.0, 1.0),
    (FalsePositives, [0, 1, 0, 0], [0, 0, 1, 1], 2.0, 1.0),
    (TrueNegatives, [0, 1, 0, 0], [1, 1, 0, 0], 2.0, 1.0),
    (FalseNegatives, [0, 1, 1, 1], [0, 1, 0, 0], 2.0, 1.0),
])
def test_counts_reproduce_keras_docstring_examples(cls, y_true, y_pred, plain, weighted):
    metric = cls()
    metric.update_state(y_true, y_pred)
    assert float(metric.result()) == plain
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=[0, 0, 1, 0])
    assert float(metric.result()) == weighted


@pytest.mark.parametrize("cls", CLASSES)
def test_a_list_of_thresholds_gives_one_weighted_count_each_accumulated_over_batches(cls):
    y_true = (rng.random((90, 3)) > 0.5).astype("float32")
    y_pred = np.round(rng.random((90, 3)), 1).astype("float32")  # many predictions exactly on a threshold
    weights = rng.random(90).astype("float32")
    thresholds = [0.0, 0.3, 0.5, 0.7, 1.0]
    metric = cls(thresholds=thresholds)
    for part in np.array_split(np.arange(90), [10, 50]):
        metric.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    expected = [direct_count(cls, y_true, y_pred, t, weights[:, None]) for t in thresholds]
    result = metric.result()
    assert result.shape == (5,) and result.dtype == np.float32
    np.testing.assert_allclose(result, expected, rtol=1e-5)


def test_the_four_counts_add_up_to_the_total_weight():
    y_true, y_pred = rng.random(50) > 0.3, rng.random(50).astype("float32")
    weights = rng.random(50).astype("float32")
    total = 0.0
    for cls in CLASSES:
        metric = cls(thresholds=0.4)
        metric.update_state(y_true, y_pred, sample_weight=weights)
        assert metric.result().shape == ()
        total += float(metric.result())
    assert total == pytest.approx(float(weights.sum()), rel=1e-5)


def test_default_threshold_is_one_half_and_a_prediction_on_it_is_negative():
    metric = TruePositives()
    assert metric.thresholds == [0.5]
    metric.update_state([1, 1, 1], [0.5, 0.50001, 0.9])
    assert float(metric.result()) == 2.0


def test_state_config_and_names_follow_keras():
    metric = FalsePositives(thresholds=[0.2, 0.8], name="fp")
    assert [(v.name, v.shape) for v in metric.variables] == [("accumulator", (2,))]
    assert metric.get_config() == {"name": "fp", "dtype": "float32", "thresholds": [0.2, 0.8]}
    assert FalsePositives.from_config(metric.get_config()).thresholds == [0.2, 0.8]
    assert [cls().name for cls in CLASSES] == ["true_positives", "false_positives", "true_negatives",
                                               "false_negatives"]


def test_result_is_a_snapshot_not_the_live_state():
    metric = TruePositives(thresholds=[0.5, 0.6])
    metric.update_state([1], [0.9])
    first = metric.result()
    metric.update_state([1], [0.9])
    assert first.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(("thresholds", "message"), [(1.5, "thresholds=1.5"), ([0.2, -0.1], r"-0\.1"),
                                                     ([], r"thresholds=\[\]")])
def test_bad_thresholds_are_refused_with_the_value_received(thresholds, message):
    with pytest.raises(ConfigError, match=message):
        TrueNegatives(thresholds=thresholds)


@pytest.mark.parametrize(("name", "cls"), [("true_positives", TruePositives), ("false_positives", FalsePositives),
                                           ("true_negatives", TrueNegatives), ("false_negatives", FalseNegatives)])
def test_keras_string_names_give_the_metric_class(name, cls):
    kcore.plugins.reset()
    assert type(kcore.metrics.get(name)) is cls
