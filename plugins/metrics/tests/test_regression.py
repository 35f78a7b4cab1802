"""Regression metrics and Sum against NumPy and Keras 3's documented examples."""

import numpy as np
import pytest
from kcore_metrics import (
    MeanAbsoluteError,
    MeanSquaredError,
    RootMeanSquaredError,
    Sum,
    mean_absolute_error,
    mean_squared_error,
)

from kcore.errors import ShapeError

rng = np.random.default_rng(1)
Y_TRUE, Y_PRED = [[0, 1], [0, 0]], [[1, 1], [0, 0]]


@pytest.mark.parametrize(("metric", "plain", "weighted"), [
    (MeanSquaredError(), 0.25, 0.5),
    (MeanAbsoluteError(), 0.25, 0.5),
    (RootMeanSquaredError(), 0.5, 0.70710677),
])
def test_regression_metrics_reproduce_keras_docstring_examples(metric, plain, weighted):
    metric.update_state(Y_TRUE, Y_PRED)
    assert float(metric.result()) == pytest.approx(plain)
    metric.reset_state()
    metric.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 0])
    assert float(metric.result()) == pytest.approx(weighted)


def test_error_functions_average_the_last_axis_per_sample():
    y_true, y_pred = rng.normal(size=(20, 5)).astype("float32"), rng.normal(size=(20, 5)).astype("float32")
    mse, mae = mean_squared_error(y_true, y_pred), mean_absolute_error(y_true, y_pred)
    assert mse.shape == (20,) and mse.dtype == np.float32
    np.testing.assert_allclose(mse, ((y_true - y_pred) ** 2).mean(-1), rtol=1e-6)
    np.testing.assert_allclose(mae, np.abs(y_true - y_pred).mean(-1), rtol=1e-6)


def test_labels_of_shape_n_meet_predictions_of_shape_n_by_1():
    y_true, y_pred = rng.normal(size=8).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    np.testing.assert_allclose(mean_squared_error(y_true, y_pred), (y_true - y_pred[:, 0]) ** 2, rtol=1e-6)


@pytest.mark.parametrize(("make", "reference"), [
    (MeanSquaredError, lambda e, w: (w * (e ** 2).mean(-1)).sum() / w.sum()),
    (MeanAbsoluteError, lambda e, w: (w * np.abs(e).mean(-1)).sum() / w.sum()),
    (RootMeanSquaredError, lambda e, w: np.sqrt((w * (e ** 2).mean(-1)).sum() / w.sum())),
])
def test_batches_with_weights_equal_the_weighted_numpy_value(make, reference):
    y_true, y_pred = rng.normal(size=(60, 3)).astype("float32"), rng.normal(size=(60, 3)).astype("float32")
    weights = rng.random(60).astype("float32")
    metric = make()
    for part in np.array_split(np.arange(60), [7, 30]):
        metric.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    expected = reference((y_true - y_pred).astype("float64"), weights.astype("float64"))
    assert float(metric.result()) == pytest.approx(expected, rel=1e-5)


def test_sum_reproduces_keras_docstring_examples():
    metric = Sum()
    metric.update_state([1, 3, 5, 7])
    assert float(metric.result()) == 16.0
    metric.reset_state()
    metric.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert float(metric.result()) == 4.0


def test_sum_weighs_every_value_of_a_sample_by_its_weight_across_batches():
    values, weights = rng.normal(size=(30, 4)).astype("float32"), rng.random(30).astype("float32")
    metric = Sum()
    metric.update_state(values[:10], sample_weight=weights[:10])
    metric.update_state(values[10:], sample_weight=weights[10:, None])
    assert float(metric.result()) == pytest.approx(float((values * weights[:, None]).sum()), rel=1e-5)
    assert metric.result().dtype == np.float32


def test_sum_result_is_a_snapshot_not_the_live_state():
    metric = Sum()
    metric.update_state([1.0])
    first = metric.result()
    metric.update_state([2.0])
    assert float(first) == 1.0


def test_weights_that_do_not_fit_the_values_name_both_shapes():
    with pytest.raises(ShapeError, match=r"\(3,\).*\(2, 2\)"):
        MeanSquaredError().update_state(np.ones((2, 2, 2)), np.zeros((2, 2, 2)), sample_weight=[1, 2, 3])
