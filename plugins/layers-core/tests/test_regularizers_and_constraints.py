"""Regularizer penalties and constraint projections against NumPy."""

import numpy as np
import pytest

from kcore import GradientTape, Variable, constraints, layers, regularizers
from kcore.errors import ConfigError

W = np.array([[3.0, -0.5], [4.0, 0.5], [0.0, -1.0]], "float32")  # column norms 5 and 1.2247


def test_l1_l2_and_l1l2_penalties():
    assert float(regularizers.L1(0.1)(W)) == pytest.approx(0.1 * np.abs(W).sum())
    assert float(regularizers.L2(0.2)(W)) == pytest.approx(0.2 * np.square(W).sum())
    assert float(regularizers.get("l1_l2")(W)) == 0.0  # Keras 3's L1L2 defaults are zero
    assert float(regularizers.L1L2(l1=0.1, l2=0.2)(W)) == pytest.approx(0.1 * np.abs(W).sum()
                                                                        + 0.2 * np.square(W).sum())


def test_a_regularizer_on_a_variable_carries_its_gradient():
    w = Variable(W)
    with GradientTape() as tape:
        penalty = regularizers.L2(0.5)(w)
    np.testing.assert_allclose(tape.gradient(penalty, w), W)  # d(0.5 * w^2)/dw = w


def test_orthogonal_regularizer_is_zero_for_orthogonal_rows_and_grows_with_their_cosine():
    assert float(regularizers.OrthogonalRegularizer(factor=1.0)(np.eye(3, dtype="float32"))) == pytest.approx(0.0)
    rows = np.array([[1.0, 0.0], [1.0, 1.0]], "float32")  # one pair, of cosine 1/sqrt(2): the mean |cosine|
    assert float(regularizers.OrthogonalRegularizer(factor=1.0)(rows)) == pytest.approx(1 / np.sqrt(2), rel=1e-5)


def test_regularizer_configs_have_keras_3_keys_and_round_trip():
    for instance, config in ((regularizers.L1(0.3), {"l1": 0.3}), (regularizers.L2(), {"l2": 0.01}),
                             (regularizers.L1L2(0.1, 0.2), {"l1": 0.1, "l2": 0.2})):
        assert instance.get_config() == config
        assert type(instance).from_config(config).get_config() == config


def test_a_negative_regularization_factor_is_refused():
    with pytest.raises(ConfigError, match=r"L2.*`l2`.*l2=-1"):
        regularizers.L2(-1)


def test_max_norm_rescales_only_the_columns_above_the_cap():
    out = np.asarray(constraints.MaxNorm(max_value=2.0)(W))
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), [2.0, np.linalg.norm(W[:, 1])], rtol=1e-5)
    np.testing.assert_allclose(out[:, 0], W[:, 0] * 2.0 / 5.0, rtol=1e-5)


def test_non_neg_zeroes_negative_entries():
    np.testing.assert_array_equal(constraints.get("non_neg")(W), np.maximum(W, 0))


def test_unit_norm_rescales_each_slice_to_norm_one():
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm(axis=1)(W), axis=1)[:2], [1.0, 1.0], rtol=1e-5)


def test_min_max_norm_moves_norms_into_the_range_at_the_given_rate():
    out = np.asarray(constraints.MinMaxNorm(min_value=2.0, max_value=4.0, rate=0.5)(W))
    norms = np.linalg.norm(W, axis=0)
    expected = 0.5 * np.clip(norms, 2.0, 4.0) + 0.5 * norms
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), expected, rtol=1e-5)


def test_constraint_configs_have_keras_3_keys():
    assert constraints.MaxNorm().get_config() == {"max_value": 2.0, "axis": 0}
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert constraints.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}
    assert constraints.NonNeg().get_config() == {}


def test_layers_attach_regularizers_and_constraints_to_their_weights():
    layer = layers.Dense(2, kernel_regularizer=regularizers.L1(0.1), kernel_constraint="non_neg",
                         bias_constraint={"class_name": "MaxNorm", "config": {"max_value": 1.0, "axis": 0}})
    layer(np.ones((1, 3), "float32"))
    assert isinstance(layer.kernel.regularizer, regularizers.L1)
    assert isinstance(layer.kernel.constraint, constraints.NonNeg)
    assert layer.bias.constraint.max_value == 1.0
    assert float(layer.losses[0]) == pytest.approx(0.1 * np.abs(layer.kernel.numpy()).sum())
