"""PearsonCorrelation and ConcordanceCorrelation against NumPy (np.corrcoef and Lin's formula), per batch and
averaged over batches as Keras 3 does, and Keras's examples."""

import numpy as np
import pytest
from kcore_metrics import ConcordanceCorrelation, PearsonCorrelation
from kcore_metrics.correlation import concordance_correlation, pearson_correlation

from kcore.errors import ConfigError

rng = np.random.default_rng(5)
Y_TRUE = [[0, 1, 0.5], [1, 1, 0.2]]
Y_PRED = [[0.1, 0.9, 0.5], [1, 0.9, 0.2]]


def lin_ccc(a, b):
    """Lin's concordance correlation of two vectors, population moments, with Keras's epsilon in the denominator."""
    covariance = ((a - a.mean()) * (b - b.mean())).mean()
    return 2 * covariance / (a.var() + b.var() + (a.mean() - b.mean()) ** 2 + 1e-7)


def test_functions_reproduce_keras_docstring_examples():
    np.testing.assert_allclose(pearson_correlation(Y_TRUE, Y_PRED), [1.0, 0.99339927], rtol=1e-5)
    np.testing.assert_allclose(concordance_correlation(Y_TRUE, Y_PRED), [0.97560976, 0.98765432], rtol=1e-5)


def test_metrics_reproduce_keras_docstring_examples():
    pearson, concordance = PearsonCorrelation(axis=-1), ConcordanceCorrelation(axis=-1)
    pearson.update_state(Y_TRUE, Y_PRED)
    concordance.update_state(Y_TRUE, Y_PRED)
    assert float(pearson.result()) == pytest.approx(0.9966996338993913, rel=1e-5)
    assert float(concordance.result()) == pytest.approx(0.9816320385426076, rel=1e-5)


def test_per_sample_coefficients_match_numpy_along_the_last_axis():
    y_true = rng.normal(size=(12, 30)).astype("float32")
    y_pred = (0.6 * y_true + rng.normal(size=(12, 30)) + 0.3).astype("float32")
    pearson, concordance = pearson_correlation(y_true, y_pred), concordance_correlation(y_true, y_pred)
    assert pearson.dtype == np.float32 and concordance.dtype == np.float32 and pearson.shape == (12,)
    np.testing.assert_allclose(pearson, [np.corrcoef(a, b)[0, 1] for a, b in zip(y_true, y_pred, strict=True)],
                               rtol=1e-4)
    np.testing.assert_allclose(concordance, [lin_ccc(a, b) for a, b in zip(y_true, y_pred, strict=True)],
                               rtol=1e-4)


def test_axis_zero_and_a_tuple_of_axes_correlate_along_those_axes():
    y_true, y_pred = rng.normal(size=(40, 3)), rng.normal(size=(40, 3))
    y_pred = y_pred + y_true
    np.testing.assert_allclose(pearson_correlation(y_true, y_pred, axis=0),
                               [np.corrcoef(y_true[:, j], y_pred[:, j])[0, 1] for j in range(3)], rtol=1e-4)
    metric = PearsonCorrelation(axis=(0, 1))
    metric.update_state(y_true, y_pred)
    assert float(metric.result()) == pytest.approx(np.corrcoef(y_true.ravel(), y_pred.ravel())[0, 1], rel=1e-4)


@pytest.mark.parametrize(("make", "reference"), [
    (PearsonCorrelation, lambda a, b: np.corrcoef(a, b)[0, 1]), (ConcordanceCorrelation, lin_ccc),
])
def test_weighted_batches_average_the_per_sample_coefficients(make, reference):
    y_true = rng.normal(size=(25, 8))
    y_pred = y_true + rng.normal(size=(25, 8))
    weights = rng.random(25)
    per_sample = np.array([reference(a, b) for a, b in zip(y_true, y_pred, strict=True)])
    metric = make()
    for part in np.array_split(np.arange(25), [4, 17]):
        metric.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    result = metric.result()
    assert result.dtype == np.float32
    assert float(result) == pytest.approx((per_sample * weights).sum() / weights.sum(), rel=1e-4)
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_a_batch_is_one_coefficient_per_sample_not_one_over_the_data_set():
    # Keras 3 averages per-batch values: two batches with axis=0 give the mean of two coefficients.
    y_true, y_pred = rng.normal(size=(20, 1)), rng.normal(size=(20, 1))
    metric = PearsonCorrelation(axis=0)
    metric.update_state(y_true[:10], y_pred[:10])
    metric.update_state(y_true[10:], y_pred[10:])
    halves = [np.corrcoef(y_true[s, 0], y_pred[s, 0])[0, 1] for s in (slice(0, 10), slice(10, 20))]
    assert float(metric.result()) == pytest.approx(np.mean(halves), rel=1e-4)


def test_perfect_agreement_scores_one_and_concordance_penalizes_a_shift():
    y = rng.normal(size=(4, 50))
    assert float(ConcordanceCorrelation()(y, y)) == pytest.approx(1.0, rel=1e-5)
    assert float(PearsonCorrelation()(y, y + 3)) == pytest.approx(1.0, rel=1e-5)
    assert float(ConcordanceCorrelation()(y, y + 3)) < 0.2


@pytest.mark.parametrize("make", [PearsonCorrelation, ConcordanceCorrelation])
def test_config_round_trips_with_keras_keys(make):
    metric = make(name="corr", axis=0)
    config = metric.get_config()
    assert config == {"name": "corr", "dtype": "float32", "axis": 0}
    rebuilt = make.from_config(config)
    assert rebuilt.axis == 0 and rebuilt.name == "corr"
    assert make().name == {PearsonCorrelation: "pearson_correlation",
                           ConcordanceCorrelation: "concordance_correlation"}[make]
    assert make._direction == "up"


@pytest.mark.parametrize("axis", ["last", 1.5, (), (0, "1"), True])
def test_bad_axis_is_refused_with_the_value_received(axis):
    with pytest.raises(ConfigError, match="axis="):
        PearsonCorrelation(axis=axis)
