"""Precision, Recall and the confusion counts beneath them, against a direct NumPy count and Keras 3's examples."""

import numpy as np
import pytest
from kcore_metrics import Precision, Recall
from kcore_metrics.confusion import confusion_counts

from kcore.errors import ConfigError, ShapeError

rng = np.random.default_rng(2)


def direct_counts(y_true, y_pred, thresholds, weights):
    """tp, fp, tn, fn by comparing every prediction with every threshold."""
    positive = y_pred.ravel()[None, :] > np.asarray(thresholds, "float32")[:, None]
    real, w = y_true.ravel()[None, :] != 0, weights.ravel()[None, :]
    return [((p & r) * w).sum(1) for p, r in ((positive, real), (positive, ~real), (~positive, ~real),
                                              (~positive, real))]


@pytest.mark.parametrize("thresholds", [[0.5], [0.9, 0.1, 0.5, 0.5], list(np.linspace(0, 1, 11))])
def test_confusion_counts_equal_a_direct_count_at_every_threshold(thresholds):
    y_true = (rng.random((40, 3)) > 0.6).astype("float32")
    y_pred = np.round(rng.random((40, 3)), 1).astype("float32")  # many predictions sit exactly on thresholds
    weights = rng.random((40, 3)).astype("float32")
    counts = confusion_counts(y_true, y_pred, thresholds, weights)
    for got, expected in zip(counts, direct_counts(y_true, y_pred, thresholds, weights), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-5)
        assert got.dtype == np.float32


def test_confusion_counts_per_label_equal_a_direct_count_per_column():
    y_true, y_pred = rng.random((30, 4)) > 0.5, rng.random((30, 4)).astype("float32")
    weights = np.ones((30, 4), "float32")
    tp, fp, tn, fn = confusion_counts(y_true, y_pred, [0.2, 0.7], weights, multi_label=True)
    assert tp.shape == (2, 4)
    for label in range(4):
        expected = direct_counts(y_true[:, label], y_pred[:, label], [0.2, 0.7], weights[:, label])
        for got, want in zip((tp, fp, tn, fn), expected, strict=True):
            np.testing.assert_allclose(got[:, label], want)


@pytest.mark.parametrize(("make", "weighted"), [(Precision, 1.0), (Recall, 1.0)])
def test_precision_and_recall_reproduce_keras_docstring_examples(make, weighted):
    metric = make()
    metric.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert float(metric.result()) == pytest.approx(2 / 3)
    metric.reset_state()
    metric.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert float(metric.result()) == pytest.approx(weighted)


@pytest.mark.parametrize(("top_k", "expected"), [(2, 0.0), (4, 0.5)])
def test_precision_top_k_reproduces_keras_docstring_examples(top_k, expected):
    metric = Precision(top_k=top_k)
    metric.update_state([0, 0, 1, 1], [1, 1, 1, 1])  # ties: the first k predictions are kept
    assert float(metric.result()) == pytest.approx(expected)


def test_precision_and_recall_at_several_thresholds_match_numpy():
    y_true, y_pred = rng.random(200) > 0.5, rng.random(200).astype("float32")
    weights = rng.random(200).astype("float32")
    thresholds = [0.3, 0.5, 0.8]
    precision, recall = Precision(thresholds=thresholds), Recall(thresholds=thresholds)
    for part in np.array_split(np.arange(200), 3):
        precision.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
        recall.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    tp, fp, _, fn = direct_counts(y_true, y_pred, thresholds, weights)
    np.testing.assert_allclose(precision.result(), tp / (tp + fp), rtol=1e-5)
    np.testing.assert_allclose(recall.result(), tp / (tp + fn), rtol=1e-5)


def test_top_k_with_class_id_scores_one_class_among_the_top_predictions():
    y_pred = rng.random((100, 5)).astype("float32")
    y_true = (rng.random((100, 5)) > 0.6).astype("float32")
    in_top_2 = (y_pred > y_pred[:, 3:4]).sum(-1) < 2
    predicted, real = in_top_2, y_true[:, 3] != 0
    precision, recall = Precision(top_k=2, class_id=3), Recall(top_k=2, class_id=3)
    precision.update_state(y_true, y_pred)
    recall.update_state(y_true, y_pred)
    assert float(precision.result()) == pytest.approx((predicted & real).sum() / predicted.sum(), rel=1e-6)
    assert float(recall.result()) == pytest.approx((predicted & real).sum() / real.sum(), rel=1e-6)


def test_precision_of_nothing_predicted_is_zero_not_nan():
    metric = Precision()
    metric.update_state([1, 0], [0.1, 0.2])
    assert float(metric.result()) == 0.0


def test_per_sample_weights_weigh_every_class_of_the_sample():
    y_true, y_pred = np.array([[1, 0], [1, 1]]), np.array([[0.9, 0.8], [0.2, 0.9]], "float32")
    metric = Recall()
    metric.update_state(y_true, y_pred, sample_weight=[1.0, 3.0])
    assert float(metric.result()) == pytest.approx((1 + 3) / (1 + 3 + 3))  # tp: (0,0) and (1,1); fn: (1,0)


def test_state_is_two_variables_per_threshold_and_config_round_trips():
    metric = Recall(thresholds=[0.2, 0.4], name="r")
    assert [(v.name, v.shape) for v in metric.variables] == [("true_positives", (2,)), ("false_negatives", (2,))]
    config = metric.get_config()
    assert config == {"name": "r", "dtype": "float32", "thresholds": [0.2, 0.4], "top_k": None, "class_id": None}
    assert Recall.from_config(config).thresholds == [0.2, 0.4]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"thresholds": 1.5}, "thresholds=1.5"), ({"thresholds": [0.2, -0.1]}, r"-0\.1"), ({"top_k": 0}, "top_k=0"),
    ({"class_id": -1}, "class_id=-1"),
])
def test_bad_arguments_are_refused_with_the_value_received(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        Precision(**kwargs)


def test_class_id_outside_the_predictions_is_a_shape_error():
    with pytest.raises(ShapeError, match="class_id=5"):
        Precision(class_id=5).update_state(np.ones((2, 3)), np.ones((2, 3)))
