"""Accuracy functions and metrics against NumPy and Keras 3's documented examples."""

import numpy as np
import pytest
from kcore_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)

from kcore.errors import ConfigError

rng = np.random.default_rng(0)


def scores(n=64, classes=7):
    return rng.random((n, classes)).astype("float32")


def result(metric):
    return float(metric.result())


# -- Keras 3's docstring examples -----------------------------------------------------------------------


@pytest.mark.parametrize(("metric", "y_true", "y_pred", "weights", "plain", "weighted"), [
    (Accuracy(), [[1], [2], [3], [4]], [[0], [2], [3], [4]], [1, 1, 0, 0], 0.75, 0.5),
    (BinaryAccuracy(), [[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], [1, 0, 0, 1], 0.75, 0.5),
    (CategoricalAccuracy(), [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3], 0.5, 0.3),
    (SparseCategoricalAccuracy(), [[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], [0.7, 0.3], 0.5, 0.3),
    (TopKCategoricalAccuracy(k=1), [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3],
     0.5, 0.3),
    (SparseTopKCategoricalAccuracy(k=1), [2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3], 0.5, 0.3),
])
def test_accuracy_metrics_reproduce_keras_docstring_examples(metric, y_true, y_pred, weights, plain, weighted):
    metric.update_state(y_true, y_pred)
    assert result(metric) == pytest.approx(plain)
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=weights)
    assert result(metric) == pytest.approx(weighted)


def test_sparse_top_k_from_sorted_ids_reads_class_ids_in_score_order():
    metric = SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True)
    metric.update_state([2, 1], [[1, 2, 0], [1, 0, 2]])  # a miss, then a hit
    assert result(metric) == pytest.approx(0.5)
    assert metric.get_config()["from_sorted_ids"] is True
    assert "from_sorted_ids" not in SparseTopKCategoricalAccuracy().get_config()


# -- the functions against NumPy ------------------------------------------------------------------------


def test_binary_accuracy_thresholds_each_prediction():
    y_true = (rng.random((50, 3)) > 0.5).astype("float32")
    y_pred = rng.random((50, 3)).astype("float32")
    for threshold in (0.3, 0.5, 0.8):
        expected = (y_true == (y_pred > threshold)).astype("float32")
        np.testing.assert_array_equal(binary_accuracy(y_true, y_pred, threshold=threshold), expected)


def test_categorical_accuracy_compares_argmaxes_per_sample():
    y_pred = scores()
    labels = rng.integers(0, 7, 64)
    out = categorical_accuracy(np.eye(7, dtype="float32")[labels], y_pred)
    assert out.shape == (64,) and out.dtype == np.float32
    np.testing.assert_array_equal(out, (labels == y_pred.argmax(-1)).astype("float32"))


def test_sparse_categorical_accuracy_takes_labels_of_shape_n_or_n_by_1():
    y_pred = scores()
    labels = rng.integers(0, 7, 64)
    expected = (labels == y_pred.argmax(-1)).astype("float32")
    np.testing.assert_array_equal(sparse_categorical_accuracy(labels, y_pred), expected)
    np.testing.assert_array_equal(sparse_categorical_accuracy(labels[:, None], y_pred), expected)
    np.testing.assert_array_equal(sparse_categorical_accuracy(labels.astype("float32"), y_pred), expected)


def test_sparse_categorical_accuracy_handles_sequences():
    y_pred = rng.random((4, 5, 3)).astype("float32")
    labels = rng.integers(0, 3, (4, 5))
    np.testing.assert_array_equal(sparse_categorical_accuracy(labels, y_pred), labels == y_pred.argmax(-1))


@pytest.mark.parametrize("k", [1, 2, 3, 6, 7, 10])
def test_top_k_accuracy_matches_a_rank_count(k):
    y_pred = scores()
    labels = rng.integers(0, 7, 64)
    # in the top k <=> fewer than k classes score strictly higher
    higher = (y_pred > y_pred[np.arange(64), labels][:, None]).sum(-1)
    expected = (higher < k).astype("float32")
    np.testing.assert_array_equal(sparse_top_k_categorical_accuracy(labels, y_pred, k=k), expected)
    np.testing.assert_array_equal(top_k_categorical_accuracy(np.eye(7)[labels], y_pred, k=k), expected)


def test_top_k_accuracy_counts_ties_at_the_kth_score_as_hits():
    y_pred = np.array([[0.5, 0.5, 0.5, 0.1]], "float32")
    assert sparse_top_k_categorical_accuracy([2], y_pred, k=1).tolist() == [1.0]
    assert sparse_top_k_categorical_accuracy([3], y_pred, k=3).tolist() == [0.0]


def test_sparse_top_k_keeps_the_shape_of_the_labels():
    assert sparse_top_k_categorical_accuracy(np.array([[1], [0]]), scores(2, 4), k=2).shape == (2, 1)


# -- state: batches, weights, reset, config -------------------------------------------------------------


@pytest.mark.parametrize("make", [CategoricalAccuracy, lambda: TopKCategoricalAccuracy(k=3)])
def test_updates_over_several_batches_equal_one_update_on_their_concatenation(make):
    y_pred, labels = scores(90), rng.integers(0, 7, 90)
    y_true, weights = np.eye(7, dtype="float32")[labels], rng.random(90).astype("float32")
    batched, whole = make(), make()
    for part in np.array_split(np.arange(90), [10, 45]):
        batched.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    whole.update_state(y_true, y_pred, sample_weight=weights)
    assert result(batched) == pytest.approx(result(whole), rel=1e-6)


def test_sample_weight_gives_a_weighted_mean_of_the_hits():
    y_pred, labels = scores(), rng.integers(0, 7, 64)
    weights = rng.random(64).astype("float32")
    hits = labels == y_pred.argmax(-1)
    metric = SparseCategoricalAccuracy()
    metric.update_state(labels, y_pred, sample_weight=weights)
    assert result(metric) == pytest.approx(float((hits * weights).sum() / weights.sum()), rel=1e-5)


def test_sample_weight_of_shape_n_by_1_weighs_each_sample_once():
    y_pred, labels = scores(), rng.integers(0, 7, 64)
    weights = rng.random(64).astype("float32")
    as_vector, as_column = SparseCategoricalAccuracy(), SparseCategoricalAccuracy()
    as_vector.update_state(labels[:, None], y_pred, sample_weight=weights)
    as_column.update_state(labels[:, None], y_pred, sample_weight=weights[:, None])
    assert result(as_column) == pytest.approx(result(as_vector), rel=1e-6)


def test_reset_state_forgets_every_batch():
    metric = BinaryAccuracy()
    metric.update_state([1, 1], [0.9, 0.8])
    metric.reset_state()
    assert result(metric) == 0.0
    metric.update_state([1, 1], [0.1, 0.8])
    assert result(metric) == 0.5


def test_state_lives_in_metric_variables():
    metric = CategoricalAccuracy()
    metric.update_state([[0, 1]], [[0.2, 0.8]])
    assert [v.name for v in metric.variables] == ["total", "count"]
    assert [float(v.value) for v in metric.variables] == [1.0, 1.0]


def test_config_round_trips_with_keras_keys():
    metric = BinaryAccuracy(name="acc_7", threshold=0.7)
    assert metric.get_config() == {"name": "acc_7", "dtype": "float32", "threshold": 0.7}
    clone = BinaryAccuracy.from_config(metric.get_config())
    clone.update_state([[1]], [[0.65]])
    assert (clone.name, result(clone)) == ("acc_7", 0.0)
    assert TopKCategoricalAccuracy(k=3).get_config()["k"] == 3


@pytest.mark.parametrize(("make", "message"), [
    (lambda: BinaryAccuracy(threshold=1.5), "threshold=1.5"),
    (lambda: TopKCategoricalAccuracy(k=0), "k=0"),
    (lambda: SparseTopKCategoricalAccuracy(k=2.5), "k=2.5"),
])
def test_bad_arguments_are_refused_with_the_value_received(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


def test_default_names_follow_keras():
    names = [cls().name for cls in (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                                    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy)]
    assert names == ["accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                     "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy"]
