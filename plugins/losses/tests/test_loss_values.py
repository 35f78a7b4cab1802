"""Every loss against an independent NumPy formula, and against the values Keras 3's documentation shows."""

import numpy as np
import pytest

import kcore.losses
from kcore import config

EPS = 1e-7
RNG = np.random.default_rng(0)


def _np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _signed(y):
    return 2 * y - 1 if np.all((y == 0) | (y == 1)) else y


def _unit(x):
    return x / np.sqrt(np.maximum((x * x).sum(-1, keepdims=True), EPS * EPS))


def _bce(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


REFERENCES = {
    "mean_squared_error": lambda y, p: ((y - p) ** 2).mean(-1),
    "mean_absolute_error": lambda y, p: np.abs(y - p).mean(-1),
    "mean_absolute_percentage_error": lambda y, p: 100 * np.abs((y - p) / np.maximum(np.abs(y), EPS)).mean(-1),
    "mean_squared_logarithmic_error":
        lambda y, p: ((np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(y, EPS))) ** 2).mean(-1),
    "huber": lambda y, p: np.where(np.abs(p - y) <= 1, 0.5 * (p - y) ** 2, np.abs(p - y) - 0.5).mean(-1),
    "log_cosh": lambda y, p: np.log(np.cosh(p - y)).mean(-1),
    "cosine_similarity": lambda y, p: -(_unit(y) * _unit(p)).sum(-1),
    "binary_crossentropy": lambda y, p: _bce(y, p).mean(-1),
    "categorical_crossentropy":
        lambda y, p: -(y * np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS))).sum(-1),
    "kl_divergence": lambda y, p: (np.clip(y, EPS, 1) * np.log(np.clip(y, EPS, 1) / np.clip(p, EPS, 1))).sum(-1),
    "poisson": lambda y, p: (p - y * np.log(p + EPS)).mean(-1),
    "hinge": lambda y, p: np.maximum(1 - _signed(y) * p, 0).mean(-1),
    "squared_hinge": lambda y, p: (np.maximum(1 - _signed(y) * p, 0) ** 2).mean(-1),
    "categorical_hinge": lambda y, p: np.maximum(((1 - y) * p).max(-1) - (y * p).sum(-1) + 1, 0),
}


def _data(name, shape=(5, 4)):
    """(y_true, y_pred) in the domain each loss is meant for."""
    if name in ("binary_crossentropy", "kl_divergence"):
        return RNG.uniform(0, 1, shape), RNG.uniform(0.01, 0.99, shape)
    if name in ("categorical_crossentropy", "categorical_hinge"):
        return np.eye(shape[-1])[RNG.integers(0, shape[-1], shape[:-1])], RNG.uniform(0.01, 1, shape)
    if name in ("hinge", "squared_hinge"):
        return RNG.integers(0, 2, shape).astype(float), RNG.normal(size=shape)
    if name in ("poisson", "mean_squared_logarithmic_error"):
        return RNG.poisson(2.0, shape).astype(float), RNG.uniform(0.1, 4, shape)
    return RNG.normal(size=shape), RNG.normal(size=shape)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_each_loss_function_matches_its_numpy_formula_per_sample(name):
    y_true, y_pred = _data(name)
    values = kcore.losses.get(name)(y_true, y_pred)
    assert values.shape == (5,)
    np.testing.assert_allclose(values, REFERENCES[name](y_true, y_pred), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_float32_predictions_give_a_float32_loss_whatever_the_labels_dtype(name):
    y_true, y_pred = _data(name)
    for labels in (y_true, y_true.astype("float16"), y_true.astype("int64")):
        values = kcore.losses.get(name)(labels, y_pred.astype("float32"))
        assert values.dtype == np.float32, f"{name}: {labels.dtype} labels gave {values.dtype}"
        np.testing.assert_allclose(values, REFERENCES[name](labels.astype(np.float32).astype(float), y_pred.astype(
            np.float32).astype(float)), rtol=2e-4, atol=2e-5)


def test_sparse_categorical_crossentropy_equals_categorical_on_one_hot_labels():
    labels = RNG.integers(0, 6, (3, 4))
    probs = RNG.uniform(0.01, 1, (3, 4, 6))
    sparse = kcore.losses.sparse_categorical_crossentropy(labels, probs)
    dense = REFERENCES["categorical_crossentropy"](np.eye(6)[labels], probs)
    np.testing.assert_allclose(sparse, dense, rtol=1e-6)
    np.testing.assert_allclose(kcore.losses.sparse_categorical_crossentropy(labels[..., None], probs), dense,
                               rtol=1e-6)


def test_from_logits_equals_the_probability_loss_of_the_activated_logits():
    logits = RNG.normal(size=(6, 5)) * 3
    labels = RNG.integers(0, 5, 6)
    one_hot = np.eye(5)[labels]
    expected = -np.log(_np_softmax(logits)[np.arange(6), labels])
    np.testing.assert_allclose(kcore.losses.categorical_crossentropy(one_hot, logits, from_logits=True), expected,
                               rtol=1e-6)
    np.testing.assert_allclose(kcore.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True),
                               expected, rtol=1e-6)
    targets = RNG.uniform(0, 1, (6, 5))
    np.testing.assert_allclose(kcore.losses.binary_crossentropy(targets, logits, from_logits=True),
                               _bce(targets, _np_sigmoid(logits)).mean(-1), rtol=1e-5)


def test_from_logits_stays_finite_for_huge_logits():
    logits = np.array([[1e4, -1e4, 0.0]], "float32")
    assert np.isfinite(kcore.losses.categorical_crossentropy([[0, 1, 0]], logits, from_logits=True)).all()
    assert np.isfinite(kcore.losses.binary_crossentropy([[0, 1, 1]], logits, from_logits=True)).all()
    assert float(kcore.losses.sparse_categorical_crossentropy([1], logits, from_logits=True)[0]) == pytest.approx(2e4)


def test_label_smoothing_follows_keras_3():
    y = np.array([[0.0, 1.0, 0.0]])
    p = np.array([[0.2, 0.5, 0.3]])
    smoothed = y * 0.9 + 0.1 / 3
    np.testing.assert_allclose(kcore.losses.categorical_crossentropy(y, p, label_smoothing=0.1),
                               REFERENCES["categorical_crossentropy"](smoothed, p), rtol=1e-6)
    np.testing.assert_allclose(kcore.losses.binary_crossentropy(y, p, label_smoothing=0.2),
                               _bce(y * 0.8 + 0.1, p).mean(-1), rtol=1e-6)


def test_huber_delta_and_cosine_axis_are_honoured():
    y, p = RNG.normal(size=(4, 3)) * 3, RNG.normal(size=(4, 3)) * 3
    err = np.abs(p - y)
    np.testing.assert_allclose(kcore.losses.huber(y, p, delta=2.0),
                               np.where(err <= 2, 0.5 * err**2, 2 * err - 2).mean(-1), rtol=1e-6)
    unit = lambda x: x / np.linalg.norm(x, axis=0, keepdims=True)  # noqa: E731
    np.testing.assert_allclose(kcore.losses.cosine_similarity(y, p, axis=0), -(unit(y) * unit(p)).sum(0), rtol=1e-6)


def test_labels_of_shape_n_against_predictions_of_shape_n_1_are_reconciled_as_keras_does():
    y = np.array([1.0, 0.0, 1.0])
    p = np.array([[0.8], [0.3], [0.4]])
    np.testing.assert_allclose(kcore.losses.mean_squared_error(y, p), (y - p[:, 0]) ** 2)
    np.testing.assert_allclose(kcore.losses.binary_crossentropy(y, p), _bce(y, p[:, 0]), rtol=1e-6)
    np.testing.assert_allclose(kcore.losses.mean_squared_error(p, y), (y - p[:, 0]) ** 2)


def test_epsilon_follows_the_configured_value():
    saved = config.epsilon()
    try:
        config.set_epsilon(1e-3)
        p = np.array([[0.0, 1.0]])
        np.testing.assert_allclose(kcore.losses.binary_crossentropy([[0.0, 1.0]], p), [-np.log(1 - 1e-3)],
                                   rtol=1e-6)
    finally:
        config.set_epsilon(saved)


# -- Keras 3's documented examples (values as its docstrings print them) ------------------------------------

Y01 = [[0.0, 1.0], [0.0, 0.0]]
P46 = [[0.6, 0.4], [0.4, 0.6]]
P10 = [[1.0, 1.0], [1.0, 0.0]]

KERAS_EXAMPLES = [
    ("MeanSquaredError", {}, Y01, P10, 0.5),
    ("MeanAbsoluteError", {}, Y01, P10, 0.5),
    ("MeanAbsolutePercentageError", {}, [[2.0, 1.0], [2.0, 3.0]], P10, 50.0),
    ("MeanSquaredLogarithmicError", {}, Y01, P10, 0.240),
    ("Huber", {}, Y01, P46, 0.155),
    ("LogCosh", {}, Y01, [[1.0, 1.0], [0.0, 0.0]], 0.108),
    ("CosineSimilarity", {"axis": 1}, [[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]], -0.5),
    ("BinaryCrossentropy", {}, Y01, P46, 0.815),
    ("BinaryCrossentropy", {"from_logits": True}, [0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8], 0.865),
    ("CategoricalCrossentropy", {}, [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], 1.177),
    ("SparseCategoricalCrossentropy", {}, [1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], 1.177),
    ("KLDivergence", {}, Y01, P46, 0.458),
    ("Poisson", {}, Y01, [[1.0, 1.0], [0.0, 0.0]], 0.5),
    ("Hinge", {}, Y01, P46, 1.3),
    ("SquaredHinge", {}, Y01, P46, 1.86),
    ("CategoricalHinge", {}, Y01, P46, 1.4),
]


@pytest.mark.parametrize(("cls", "kwargs", "y_true", "y_pred", "expected"), KERAS_EXAMPLES,
                         ids=[f"{c}-{i}" for i, (c, *_) in enumerate(KERAS_EXAMPLES)])
def test_loss_classes_reproduce_keras_documented_examples(cls, kwargs, y_true, y_pred, expected):
    assert float(getattr(kcore.losses, cls)(**kwargs)(y_true, y_pred)) == pytest.approx(expected, abs=1e-3)


def test_reductions_and_sample_weight_follow_keras_examples():
    mse = kcore.losses.MeanSquaredError
    assert float(mse()(Y01, P10, sample_weight=[0.7, 0.3])) == pytest.approx(0.25)
    assert float(mse(reduction="sum")(Y01, P10)) == pytest.approx(1.0)
    np.testing.assert_allclose(mse(reduction=None)(Y01, P10), [0.5, 0.5])
    bce = kcore.losses.BinaryCrossentropy
    assert float(bce()(Y01, P46, sample_weight=[1, 0])) == pytest.approx(0.458, abs=1e-3)
    np.testing.assert_allclose(bce(reduction="none")(Y01, P46), [0.916, 0.714], atol=1e-3)
    cce = kcore.losses.CategoricalCrossentropy
    y, p = [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    assert float(cce()(y, p, sample_weight=np.array([0.3, 0.7]))) == pytest.approx(0.814, abs=1e-3)
    np.testing.assert_allclose(cce(reduction=None)(y, p), [0.0513, 2.303], atol=1e-3)


def test_sparse_crossentropy_ignore_class_zeroes_those_positions_and_averages_over_the_rest():
    labels = np.array([[0, 2, -1], [1, -1, -1]])
    probs = RNG.uniform(0.05, 1, (2, 3, 3))
    per_position = kcore.losses.sparse_categorical_crossentropy(labels, probs, ignore_class=-1)
    normalised = probs / probs.sum(-1, keepdims=True)
    valid = labels != -1
    expected = np.where(valid, -np.log(np.take_along_axis(normalised, np.where(valid, labels, 0)[..., None],
                                                          -1)[..., 0]), 0)
    np.testing.assert_allclose(per_position, expected, rtol=1e-6)
    loss = kcore.losses.SparseCategoricalCrossentropy(ignore_class=-1)
    assert float(loss(labels, probs)) == pytest.approx(expected.sum() / valid.sum(), rel=1e-6)
    weights = np.array([2.0, 1.0])
    assert float(loss(labels, probs, sample_weight=weights)) == pytest.approx(
        (expected * weights[:, None]).sum() / valid.sum(), rel=1e-6)
    assert float(kcore.losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum")(labels, probs)) == \
        pytest.approx(expected.sum(), rel=1e-6)
