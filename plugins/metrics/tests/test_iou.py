"""The IoU metrics against IoUs computed in NumPy from a confusion matrix built with np.add.at, and Keras 3's
examples."""

import numpy as np
import pytest
from kcore_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU

from kcore.errors import ConfigError, ShapeError

rng = np.random.default_rng(11)


def reference_iou(y_true, y_pred, num_classes, target_class_ids, weights=None):
    """Mean IoU of the target classes that occur, from a weighted confusion matrix (rows: labels)."""
    y_true, y_pred = np.ravel(y_true).astype(int), np.ravel(y_pred).astype(int)
    weights = np.ones(y_true.shape) if weights is None else np.ravel(weights).astype(float)
    cm = np.zeros((num_classes, num_classes))
    np.add.at(cm, (y_true, y_pred), weights)
    tp = np.diag(cm)
    union = cm.sum(0) + cm.sum(1) - tp
    ids = list(target_class_ids)
    present = union[ids] > 0
    return (tp[ids][present] / union[ids][present]).mean() if present.any() else 0.0


def test_iou_reproduces_keras_docstring_examples():
    metric = IoU(num_classes=2, target_class_ids=[0])
    metric.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    assert float(metric.result()) == pytest.approx(1 / 3, rel=1e-5)
    metric.reset_state()
    metric.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    assert float(metric.result()) == pytest.approx(1 / 3, rel=1e-5)


def test_mean_and_binary_iou_reproduce_keras_docstring_examples():
    mean = MeanIoU(num_classes=2)
    mean.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    assert float(mean.result()) == pytest.approx(1 / 3, rel=1e-5)
    mean.reset_state()
    mean.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    assert float(mean.result()) == pytest.approx(0.23809525, rel=1e-5)
    binary = BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    binary.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
    assert float(binary.result()) == pytest.approx(1 / 3, rel=1e-5)
    binary.reset_state()
    binary.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], sample_weight=[0.2, 0.3, 0.4, 0.1])
    assert float(binary.result()) == pytest.approx(0.17361112, rel=1e-5)


def test_one_hot_iou_and_mean_iou_reproduce_keras_docstring_examples():
    y_true = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])
    y_pred = np.array([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
    weights = [0.1, 0.2, 0.3, 0.4]
    one_hot = OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    one_hot.update_state(y_true, y_pred, sample_weight=weights)
    assert float(one_hot.result()) == pytest.approx((0 + 0.1 / 0.7) / 2, rel=1e-5)
    mean = OneHotMeanIoU(num_classes=3)
    mean.update_state(y_true, y_pred, sample_weight=weights)
    assert float(mean.result()) == pytest.approx(0.1 / 0.7 / 3, rel=1e-5)


@pytest.mark.parametrize("target_class_ids", [[0], [1, 3], [0, 1, 2, 3, 4]])
def test_weighted_batches_accumulate_to_the_numpy_iou(target_class_ids):
    y_true, y_pred = rng.integers(0, 5, (60, 4, 4)), rng.integers(0, 5, (60, 4, 4))
    weights = rng.random(60).astype("float32")
    metric = IoU(num_classes=5, target_class_ids=target_class_ids)
    for part in np.array_split(np.arange(60), [7, 30]):
        metric.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    expected = reference_iou(y_true, y_pred, 5, target_class_ids, np.broadcast_to(weights[:, None, None], (60, 4, 4)))
    result = metric.result()
    assert result.dtype == np.float32
    assert float(result) == pytest.approx(expected, rel=1e-5)


def test_confusion_matrix_state_rows_are_labels_and_columns_predictions():
    metric = MeanIoU(num_classes=3)
    metric.update_state([0, 1, 1, 2], [0, 0, 1, 1], sample_weight=[1, 2, 3, 4])
    expected = np.zeros((3, 3))
    np.add.at(expected, ([0, 1, 1, 2], [0, 0, 1, 1]), [1, 2, 3, 4])
    np.testing.assert_allclose(metric.total_cm.value, expected)
    assert [v.name for v in metric.variables] == ["total_confusion_matrix"]


def test_classes_absent_from_labels_and_predictions_are_left_out_of_the_mean():
    metric = MeanIoU(num_classes=4)
    metric.update_state([0, 0, 1], [0, 1, 1])  # classes 2 and 3 never occur
    assert float(metric.result()) == pytest.approx((1 / 2 + 1 / 2) / 2, rel=1e-5)
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_ignore_class_and_out_of_range_ids_count_nothing():
    y_true = np.array([0, 1, 255, 1, 2, -1, 1])
    y_pred = np.array([0, 1, 1, 0, 2, 0, 7])
    metric = MeanIoU(num_classes=3, ignore_class=255)
    metric.update_state(y_true, y_pred)
    keep = np.array([1, 1, 0, 1, 1, 0, 0], bool)
    assert float(metric.result()) == pytest.approx(reference_iou(y_true[keep], y_pred[keep], 3, [0, 1, 2]), rel=1e-5)


def test_dense_labels_and_predictions_use_the_argmax_along_axis():
    scores_true, scores_pred = rng.random((20, 3, 6)), rng.random((20, 3, 6))
    metric = IoU(num_classes=3, target_class_ids=[0, 2], sparse_y_true=False, sparse_y_pred=False, axis=1)
    metric.update_state(scores_true, scores_pred)
    expected = reference_iou(scores_true.argmax(1), scores_pred.argmax(1), 3, [0, 2])
    assert float(metric.result()) == pytest.approx(expected, rel=1e-5)


def test_binary_iou_predicts_class_one_at_or_above_the_threshold():
    metric = BinaryIoU(target_class_ids=[1], threshold=0.5)
    metric.update_state([1, 1, 0, 0], [0.5, 0.49, 0.5, 0.1])  # predicted: 1, 0, 1, 0
    assert float(metric.result()) == pytest.approx(reference_iou([1, 1, 0, 0], [1, 0, 1, 0], 2, [1]), rel=1e-5)


@pytest.mark.parametrize(("metric", "keys"), [
    (IoU(4, [1, 2], name="iou", ignore_class=0, sparse_y_pred=False, axis=-1),
     {"name", "dtype", "num_classes", "target_class_ids", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis"}),
    (MeanIoU(3, ignore_class=2), {"name", "dtype", "num_classes", "ignore_class", "sparse_y_true", "sparse_y_pred",
                                  "axis"}),
    (BinaryIoU([0], threshold=0.7), {"name", "dtype", "target_class_ids", "threshold"}),
    (OneHotIoU(3, [2], sparse_y_pred=True), {"name", "dtype", "num_classes", "target_class_ids", "ignore_class",
                                             "sparse_y_pred", "axis"}),
    (OneHotMeanIoU(5), {"name", "dtype", "num_classes", "ignore_class", "sparse_y_pred", "axis"}),
])
def test_config_has_keras_keys_and_round_trips(metric, keys):
    config = metric.get_config()
    assert set(config) == keys
    rebuilt = type(metric).from_config(config)
    assert rebuilt.get_config() == config
    y_true, y_pred = rng.integers(0, 2, (10, 3)), rng.random((10, 3))
    if not isinstance(metric, BinaryIoU) and not metric.sparse_y_pred:
        y_pred = rng.random((10, 3, metric.num_classes))
    if isinstance(metric, OneHotIoU | OneHotMeanIoU):
        y_true = np.eye(metric.num_classes)[y_true]
    metric.update_state(y_true, y_pred)
    rebuilt.update_state(y_true, y_pred)
    assert float(rebuilt.result()) == float(metric.result())


def test_default_names_follow_keras_snake_case():
    assert IoU(2, [0]).name == "io_u" and MeanIoU(2).name == "mean_io_u"
    assert OneHotMeanIoU(2).name == "one_hot_mean_io_u" and BinaryIoU().name == "binary_io_u"


@pytest.mark.parametrize(("make", "message"), [
    (lambda: IoU(0, [0]), "num_classes=0"),
    (lambda: IoU(2.5, [0]), "num_classes=2.5"),
    (lambda: IoU(3, [3]), r"target_class_ids=\[3\]"),
    (lambda: IoU(3, [-1]), r"target_class_ids=\[-1\]"),
    (lambda: IoU(3, []), r"target_class_ids=\[\]"),
    (lambda: IoU(3, [0], ignore_class="void"), "ignore_class='void'"),
    (lambda: MeanIoU(-2), "num_classes=-2"),
    (lambda: BinaryIoU(target_class_ids=[2]), r"target_class_ids=\[2\]"),
    (lambda: BinaryIoU(threshold="high"), "threshold='high'"),
])
def test_bad_arguments_are_refused_with_the_value_received(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


def test_labels_and_predictions_of_different_sizes_are_a_shape_error():
    with pytest.raises(ShapeError, match="3 labels"):
        MeanIoU(2).update_state([0, 1, 1], [0, 1])
