"""R2Score against the coefficient of determination computed in NumPy, and Keras 3's example."""

import warnings

import numpy as np
import pytest
from kcore_metrics import R2Score

import kcore.metrics
import kcore.plugins
from kcore.errors import ConfigError, ShapeError

rng = np.random.default_rng(8)


def r2_per_target(y_true, y_pred, weights):
    """Weighted R2 of each column: 1 - SS_res / SS_tot about the weighted mean."""
    mean = (weights * y_true).sum(0) / weights.sum(0)
    residual = (weights * (y_true - y_pred) ** 2).sum(0)
    total = (weights * (y_true - mean) ** 2).sum(0)
    return 1 - residual / total, total


def test_r2_reproduces_keras_docstring_example():
    metric = R2Score()
    metric.update_state(np.array([[1], [4], [3]], "float32"), np.array([[2], [4], [4]], "float32"))
    assert float(metric.result()) == pytest.approx(0.57142854, rel=1e-5)


@pytest.mark.parametrize("class_aggregation", [None, "uniform_average", "variance_weighted_average"])
def test_weighted_batches_match_numpy_for_every_aggregation(class_aggregation):
    y_true = rng.normal(size=(70, 3)) * np.array([1.0, 3.0, 0.5])
    y_pred = y_true + rng.normal(size=(70, 3))
    weights = rng.random(70)
    scores, total = r2_per_target(y_true, y_pred, weights[:, None])
    expected = {None: scores, "uniform_average": scores.mean(),
                "variance_weighted_average": (scores * total).sum() / total.sum()}[class_aggregation]
    metric = R2Score(class_aggregation=class_aggregation)
    y_true, y_pred, weights = y_true.astype("float32"), y_pred.astype("float32"), weights.astype("float32")
    for part in np.array_split(np.arange(70), [9, 33]):
        metric.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    result = metric.result()
    assert result.dtype == np.float32 and result.shape == (() if class_aggregation else (3,))
    np.testing.assert_allclose(result, expected, rtol=1e-4)


def test_adjusted_r2_uses_the_number_of_samples_with_a_nonzero_weight():
    y_true = rng.normal(size=(30, 1)).astype("float32")
    y_pred = (y_true + rng.normal(size=(30, 1))).astype("float32")
    weights = np.ones(30, "float32")
    weights[:5] = 0  # 25 samples count
    plain, adjusted = R2Score(), R2Score(num_regressors=3)
    plain.update_state(y_true, y_pred, sample_weight=weights)
    adjusted.update_state(y_true, y_pred, sample_weight=weights)
    r2 = float(plain.result())
    assert float(adjusted.result()) == pytest.approx(1 - (1 - r2) * (25 - 1) / (25 - 3 - 1), rel=1e-5)


def test_adjusted_r2_with_too_few_samples_warns_and_falls_back_to_plain_r2():
    metric = R2Score(num_regressors=3)
    metric.update_state([[1.0], [2.0], [4.0]], [[1.5], [2.0], [3.0]])
    with pytest.warns(UserWarning, match="num_regressors=3"):
        result = float(metric.result())
    plain = R2Score()
    plain.update_state([[1.0], [2.0], [4.0]], [[1.5], [2.0], [3.0]])
    assert result == pytest.approx(float(plain.result()))


def test_perfect_predictions_score_one_and_constant_targets_score_zero():
    y_true = rng.normal(size=(10, 2)).astype("float32")
    metric = R2Score(class_aggregation=None)
    metric.update_state(y_true, y_true)
    np.testing.assert_allclose(metric.result(), [1.0, 1.0])
    constant = R2Score()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division-by-zero RuntimeWarning either
        constant.update_state(np.ones((4, 1)), np.zeros((4, 1)))
        assert float(constant.result()) == 0.0


def test_labels_of_shape_n_meet_predictions_of_shape_n_by_1_and_reset_forgets():
    metric = R2Score()
    metric.update_state(np.array([1.0, 4.0, 3.0]), np.array([[2.0], [4.0], [4.0]]))
    assert float(metric.result()) == pytest.approx(0.57142854, rel=1e-5)
    metric.reset_state()
    assert all(not v.value.any() for v in metric.variables)
    metric.update_state([[0.0], [2.0]], [[0.0], [2.0]])
    assert float(metric.result()) == pytest.approx(1.0)


def test_state_and_config_follow_keras():
    metric = R2Score(class_aggregation="variance_weighted_average", num_regressors=2, name="r2")
    metric.update_state(np.ones((4, 2)), np.ones((4, 2)))
    assert [v.name for v in metric.variables] == ["num_samples", "squared_sum", "sum", "residual", "count"]
    config = metric.get_config()
    assert config == {"name": "r2", "dtype": "float32", "class_aggregation": "variance_weighted_average",
                      "num_regressors": 2}
    assert R2Score.from_config(config).get_config() == config


@pytest.mark.parametrize(("kwargs", "message"), [({"class_aggregation": "mean"}, "class_aggregation='mean'"),
                                                 ({"num_regressors": -1}, "num_regressors=-1"),
                                                 ({"num_regressors": 1.5}, r"num_regressors=1\.5")])
def test_bad_arguments_are_refused_with_the_value_received(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        R2Score(**kwargs)


def test_inputs_that_are_not_samples_by_targets_are_a_shape_error():
    with pytest.raises(ShapeError, match=r"\(samples, targets\).*reshape"):
        R2Score().update_state([1.0, 2.0], [1.0, 2.0])
    metric = R2Score()
    metric.update_state(np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ShapeError, match="built for 2 targets"):
        metric.update_state(np.ones((2, 3)), np.ones((2, 3)))


def test_keras_string_name_gives_the_metric_class():
    kcore.plugins.reset()
    assert type(kcore.metrics.get("r2_score")) is R2Score
