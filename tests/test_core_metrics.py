"""The metric contract's Mean and MeanMetricWrapper, which every loss tracker and most metrics build on."""

import numpy as np

from kcore.metrics import Mean, MeanMetricWrapper


def test_mean_accumulates_across_updates_until_reset():
    m = Mean()
    m.update_state([1.0, 2.0])
    m.update_state([6.0])
    assert float(m.result()) == 3.0
    m.reset_state()
    m.update_state([4.0])
    assert float(m.result()) == 4.0


def test_mean_weights_values_per_sample_whatever_the_weights_rank():
    for weights in ([0.7, 0.3, 0.0], [[0.7], [0.3], [0.0]]):
        m = Mean()
        m.update_state(np.array([1.0, 0.0, 1.0], "float32"), sample_weight=np.array(weights, "float32"))
        np.testing.assert_allclose(float(m.result()), 0.7, rtol=1e-6)


def test_mean_of_nothing_is_zero_not_nan():
    assert float(Mean().result()) == 0.0


def test_mean_metric_wrapper_averages_a_per_sample_function():
    m = MeanMetricWrapper(lambda y_true, y_pred: (y_true == y_pred).astype("float32"), name="matches")
    m.update_state(np.array([1, 2, 3]), np.array([1, 0, 3]))
    assert m.name == "matches"
    np.testing.assert_allclose(float(m.result()), 2 / 3, rtol=1e-6)


def test_loss_reductions_follow_keras():
    from kcore.losses import reduce_weighted_values

    values = np.array([1.0, 0.0], "float32")
    weights = np.array([1.0, 0.0], "float32")
    assert float(reduce_weighted_values(values, weights, "mean")) == 0.5
    assert float(reduce_weighted_values(values, weights, "sum_over_batch_size")) == 0.5
    assert float(reduce_weighted_values(values, weights, "mean_with_sample_weight")) == 1.0
    assert float(reduce_weighted_values(values, weights, "sum")) == 1.0
    assert float(reduce_weighted_values(values, 2.0)) == 1.0  # a scalar weight
