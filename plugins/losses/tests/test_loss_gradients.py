"""Every loss's gradient with respect to y_pred against central finite differences, as hypothesis properties.

Values are drawn where each loss is smooth: probabilities strictly inside (0, 1) for the crossentropies on
probabilities (their clipping at epsilon is a kink), y_pred away from y_true for the absolute errors, away from the
hinge's corner, and without ties for categorical_hinge's max.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import kcore.losses
from kcore.testing import check_gradients, strategies

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

batch_shapes = st.tuples(st.integers(1, 3), st.integers(2, 4))


@st.composite
def regression(draw, low=-3.0, high=3.0, true_low=None, true_high=None, gap=0.0):
    shape = draw(batch_shapes)
    y_true = draw(strategies.arrays(shape, low if true_low is None else true_low,
                                    high if true_high is None else true_high))
    y_pred = draw(strategies.arrays(shape, low, high).filter(lambda p: np.all(np.abs(p - y_true) > gap)))
    return y_true, y_pred


@st.composite
def probabilities(draw, one_hot=False, logits=False):
    shape = draw(batch_shapes)
    if one_hot:
        y_true = np.eye(shape[-1])[draw(st.lists(st.integers(0, shape[-1] - 1), min_size=shape[0],
                                                 max_size=shape[0]))]
    else:
        y_true = draw(strategies.arrays(shape, 0.0, 1.0))
    y_pred = draw(strategies.arrays(shape, -4.0, 4.0) if logits else strategies.arrays(shape, 0.05, 0.95))
    return y_true, y_pred


@st.composite
def hinge_data(draw, categorical=False):
    shape = draw(batch_shapes)
    if categorical:
        classes = draw(st.lists(st.integers(0, shape[-1] - 1), min_size=shape[0], max_size=shape[0]))
        y_true = np.eye(shape[-1])[classes]
        # Keras's max((1 - y_true) * y_pred) also sees the 0 of the true class: keep wrong classes away from 0,
        # from each other, and the margin away from the corner of maximum(., 0)
        y_pred = draw(strategies.arrays(shape, -2.0, 2.0, away_from=(0.0,), unique=True, gap=0.05))
        margin = ((1 - y_true) * y_pred).max(-1) - (y_true * y_pred).sum(-1) + 1
        assume(np.all(np.abs(margin) > 0.05))
    else:
        y_true = draw(strategies.arrays(shape, 0, 1).map(lambda a: np.round(a)))  # {0, 1}, mapped to {-1, 1}
        y_pred = draw(strategies.arrays(shape, -3.0, 3.0, away_from=(-1.0, 1.0), margin=0.05))
    return y_true, y_pred


CASES = {
    "mean_squared_error": (regression(), {}),
    "mean_absolute_error": (regression(gap=0.05), {}),
    "mean_absolute_percentage_error": (regression(true_low=0.5, true_high=3.0, gap=0.05), {}),
    "mean_squared_logarithmic_error": (regression(low=0.05, high=3.0), {}),
    "huber": (regression(), {"delta": 1.5}),
    "log_cosh": (regression(), {}),
    "cosine_similarity": (regression(low=0.2, high=3.0), {}),
    "poisson": (regression(low=0.1, high=3.0), {}),
    "kl_divergence": (probabilities(), {}),
    "binary_crossentropy": (probabilities(), {"label_smoothing": 0.1}),
    "binary_crossentropy-logits": (probabilities(logits=True), {"from_logits": True}),
    "categorical_crossentropy": (probabilities(one_hot=True), {"label_smoothing": 0.1}),
    "categorical_crossentropy-logits": (probabilities(one_hot=True, logits=True), {"from_logits": True}),
    "hinge": (hinge_data(), {}),
    "squared_hinge": (hinge_data(), {}),
    "categorical_hinge": (hinge_data(categorical=True), {}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_loss_gradient_with_respect_to_y_pred_matches_finite_differences(case):
    data, kwargs = CASES[case]
    fn = kcore.losses.get(case.split("-")[0])

    @SETTINGS
    @given(data)
    def check(pair):
        y_true, y_pred = pair
        check_gradients(fn, [y_true, y_pred], kwargs, wrt=[1], name=case)

    check()


@st.composite
def sparse_data(draw, logits):
    shape = draw(batch_shapes)
    labels = np.array(draw(st.lists(st.integers(0, shape[-1] - 1), min_size=shape[0], max_size=shape[0])))
    y_pred = draw(strategies.arrays(shape, -4.0, 4.0) if logits else strategies.arrays(shape, 0.05, 0.95))
    return labels, y_pred


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_crossentropy_gradient_matches_finite_differences(from_logits):
    @SETTINGS
    @given(sparse_data(from_logits), st.booleans())
    def check(pair, ignore):
        labels, y_pred = pair
        kwargs = {"from_logits": from_logits}
        if ignore:  # one ignored position: no gradient flows from it
            labels = labels.copy()
            labels[0] = -1
            kwargs["ignore_class"] = -1
        check_gradients(kcore.losses.sparse_categorical_crossentropy, [labels, y_pred], kwargs, wrt=[1])

    check()


@pytest.mark.parametrize("name", ["mean_squared_error", "huber", "binary_crossentropy"])
def test_loss_classes_propagate_gradients_through_reduction_and_sample_weight(name):
    cls = {"mean_squared_error": "MeanSquaredError", "huber": "Huber", "binary_crossentropy": "BinaryCrossentropy"}
    loss = getattr(kcore.losses, cls[name])()
    y_true = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y_pred = np.array([[0.3, 0.6], [0.8, 0.1], [0.45, 0.7]])
    check_gradients(lambda t, p: loss(t, p, sample_weight=np.array([0.5, 2.0, 1.0])), [y_true, y_pred], wrt=[1])
