"""The focal cross-entropies, Dice, Tversky and generalized cross-entropy against NumPy references of their published
formulas (written here independently, with Keras 3's clipping and label smoothing), Keras's documented values,
configs, sample weights, dtypes and argument errors."""

import numpy as np
import pytest

import kcore.losses
from kcore.errors import ConfigError, OpIndexError, ShapeError
from kcore.testing import check_gradients

EPS = 1e-7
RNG = np.random.default_rng(7)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_binary_focal(y, p, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                    label_smoothing=0.0, axis=-1):
    """Lin et al. (2017): FL = -alpha_t (1 - p_t)^gamma log(p_t), per element, as Keras writes it: the log
    term is the binary cross-entropy of p clipped to [eps, 1 - eps] and p_t = y p + (1 - y)(1 - p)."""
    y = y * (1 - label_smoothing) + 0.5 * label_smoothing
    p = _sigmoid(p) if from_logits else p
    clipped = np.clip(p, EPS, 1 - EPS)
    bce = -(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
    p_t = y * p + (1 - y) * (1 - p)
    loss = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        loss = (y * alpha + (1 - y) * (1 - alpha)) * loss
    return loss.mean(axis=axis)


def np_categorical_focal(y, p, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """FL = -sum_c alpha_c (1 - p_c)^gamma y_c log(p_c), p renormalised (or softmaxed) and clipped."""
    y = y * (1 - label_smoothing) + label_smoothing / p.shape[axis]
    p = _softmax(p, axis) if from_logits else p / p.sum(axis=axis, keepdims=True)
    p = np.clip(p, EPS, 1 - EPS)
    alpha = np.asarray(alpha, dtype=float)
    if alpha.ndim:
        alpha = np.moveaxis(np.broadcast_to(alpha, np.moveaxis(p, axis, -1).shape), -1, axis)
    return (alpha * (1 - p) ** gamma * -y * np.log(p)).sum(axis=axis)


def np_dice(y, p, axis=None):
    return 1 - 2 * (y * p).sum(axis=axis) / (y.sum(axis=axis) + p.sum(axis=axis) + EPS)


def np_tversky(y, p, alpha=0.5, beta=0.5, axis=None):
    """Salehi et al. (2017): 1 - TP / (TP + alpha FP + beta FN)."""
    tp = (y * p).sum(axis=axis)
    fp = ((1 - y) * p).sum(axis=axis)
    fn = (y * (1 - p)).sum(axis=axis)
    return 1 - tp / (tp + alpha * fp + beta * fn + EPS)


def np_gce(labels, p, q=0.5):
    """Zhang and Sabuncu (2018): (1 - p_label^q) / q."""
    return (1 - np.take_along_axis(p, labels[:, None], axis=-1)[:, 0] ** q) / q


def _binary(shape=(6, 5)):
    return RNG.integers(0, 2, shape).astype(float), RNG.uniform(0.02, 0.98, shape)


def _one_hot(shape=(6, 4)):
    return np.eye(shape[-1])[RNG.integers(0, shape[-1], shape[:-1])], RNG.uniform(0.02, 1, shape)


# --- binary focal crossentropy ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    {}, {"gamma": 0.5}, {"gamma": 3.0, "apply_class_balancing": True, "alpha": 0.4},
    {"label_smoothing": 0.2}, {"from_logits": True, "gamma": 1.0, "apply_class_balancing": True},
    {"from_logits": True, "label_smoothing": 0.1, "gamma": 2.5},
])
def test_binary_focal_crossentropy_matches_lin_et_al_with_keras_clipping(kwargs):
    y_true, y_pred = _binary()
    if kwargs.get("from_logits"):
        y_pred = RNG.normal(0, 3, y_pred.shape)
    values = kcore.losses.binary_focal_crossentropy(y_true, y_pred, **kwargs)
    assert values.shape == (6,)
    np.testing.assert_allclose(values, np_binary_focal(y_true, y_pred, **kwargs), rtol=1e-6, atol=1e-12)


def test_binary_focal_crossentropy_reduces_along_axis():
    y_true, y_pred = _binary((3, 4, 5))
    values = kcore.losses.binary_focal_crossentropy(y_true, y_pred, axis=1)
    assert values.shape == (3, 5)
    np.testing.assert_allclose(values, np_binary_focal(y_true, y_pred, axis=1), rtol=1e-6)


def test_binary_focal_with_gamma_zero_is_binary_crossentropy():
    y_true, y_pred = _binary()
    np.testing.assert_allclose(kcore.losses.binary_focal_crossentropy(y_true, y_pred, gamma=0.0),
                               kcore.losses.binary_crossentropy(y_true, y_pred), rtol=1e-6)


def test_binary_focal_down_weights_easy_examples_more_than_hard_ones():
    easy = float(kcore.losses.binary_focal_crossentropy([[1.0]], [[0.9]])[0])
    hard = float(kcore.losses.binary_focal_crossentropy([[1.0]], [[0.1]])[0])
    bce_easy, bce_hard = -np.log(0.9), -np.log(0.1)
    assert easy / bce_easy < hard / bce_hard
    np.testing.assert_allclose([easy, hard], [0.01 * bce_easy, 0.81 * bce_hard], rtol=1e-5)


def test_binary_focal_crossentropy_class_matches_keras_documented_values():
    y_true, y_pred = np.array([[0, 1], [0, 0]]), np.array([[-18.6, 0.51], [2.94, -12.8]], dtype="float32")
    bfc = kcore.losses.BinaryFocalCrossentropy
    assert float(bfc(gamma=2, from_logits=True)([0, 1, 0, 0], y_pred.reshape(4))) == pytest.approx(0.691, abs=1e-3)
    assert float(bfc(True, gamma=2, from_logits=True)([0, 1, 0, 0], y_pred.reshape(4))) == pytest.approx(0.51, abs=1e-3)
    assert float(bfc(gamma=3, from_logits=True)(y_true, y_pred)) == pytest.approx(0.647, abs=1e-3)
    assert float(bfc(True, gamma=3, from_logits=True)(y_true, y_pred)) == pytest.approx(0.482, abs=1e-3)
    assert float(bfc(gamma=3, from_logits=True)(y_true, y_pred, sample_weight=[0.8, 0.2])) == pytest.approx(
        0.133, abs=1e-3)
    assert float(bfc(gamma=4, from_logits=True, reduction="sum")(y_true, y_pred)) == pytest.approx(1.222, abs=1e-3)
    np.testing.assert_allclose(bfc(True, gamma=5, from_logits=True, reduction=None)(y_true, y_pred),
                               [0.0004, 0.8670], atol=1e-4)


def test_binary_focal_stays_finite_at_saturated_logits_and_probabilities():
    values = kcore.losses.binary_focal_crossentropy([[1.0, 0.0, 1.0, 0.0]], np.array([[0, 1, 1, 0]], "float32"))
    assert np.all(np.isfinite(values))
    values = kcore.losses.binary_focal_crossentropy([[1.0, 0.0]], np.array([[-200.0, 200.0]], "float32"),
                                                    from_logits=True)
    assert np.all(np.isfinite(values)) and values.dtype == np.float32


# --- categorical focal crossentropy ----------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    {}, {"alpha": 1.0, "gamma": 1.0}, {"alpha": [0.1, 0.2, 0.3, 0.4]}, {"label_smoothing": 0.2, "gamma": 0.5},
    {"from_logits": True}, {"from_logits": True, "label_smoothing": 0.1, "alpha": [0.4, 0.3, 0.2, 0.1]},
])
def test_categorical_focal_crossentropy_matches_lin_et_al_with_keras_clipping(kwargs):
    y_true, y_pred = _one_hot()
    if kwargs.get("from_logits"):
        y_pred = RNG.normal(0, 3, y_pred.shape)
    values = kcore.losses.categorical_focal_crossentropy(y_true, y_pred, **kwargs)
    assert values.shape == (6,)
    np.testing.assert_allclose(values, np_categorical_focal(y_true, y_pred, **kwargs), rtol=1e-6, atol=1e-12)


def test_categorical_focal_crossentropy_along_a_middle_class_axis_with_per_class_alpha():
    y_true = np.moveaxis(np.eye(3)[RNG.integers(0, 3, (2, 5))], -1, 1)  # (batch, classes, positions)
    y_pred = RNG.uniform(0.05, 1, (2, 3, 5))
    kwargs = {"axis": 1, "alpha": [0.2, 0.5, 0.3], "label_smoothing": 0.1}
    values = kcore.losses.categorical_focal_crossentropy(y_true, y_pred, **kwargs)
    assert values.shape == (2, 5)
    np.testing.assert_allclose(values, np_categorical_focal(y_true, y_pred, **kwargs), rtol=1e-6)
    check_gradients(lambda p: kcore.losses.categorical_focal_crossentropy(y_true, p, **kwargs), [y_pred])


def test_categorical_focal_with_alpha_one_and_gamma_zero_is_categorical_crossentropy():
    y_true, y_pred = _one_hot()
    np.testing.assert_allclose(kcore.losses.categorical_focal_crossentropy(y_true, y_pred, alpha=1.0, gamma=0.0),
                               kcore.losses.categorical_crossentropy(y_true, y_pred), rtol=1e-6)


def test_categorical_focal_crossentropy_matches_keras_documented_values():
    y_true, y_pred = [[0, 1, 0], [0, 0, 1]], np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], "float32")
    cfc = kcore.losses.CategoricalFocalCrossentropy
    assert float(cfc()(y_true, y_pred)) == pytest.approx(0.23315276, rel=1e-5)
    assert float(cfc()(y_true, y_pred, sample_weight=np.array([0.3, 0.7]))) == pytest.approx(0.1632, abs=1e-4)
    assert float(cfc(reduction="sum")(y_true, y_pred)) == pytest.approx(0.46631, abs=1e-5)
    np.testing.assert_allclose(cfc(reduction=None)(y_true, y_pred), [3.2058331e-05, 4.6627346e-01], rtol=1e-5)
    np.testing.assert_allclose(
        kcore.losses.categorical_focal_crossentropy(y_true, [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]),
        [2.63401289e-04, 6.75912094e-01], rtol=1e-5)


# --- dice, tversky ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, (1, 2, 3), [1, 2], 3])
def test_dice_and_tversky_match_their_formulas_over_the_given_axes(axis):
    y_true, y_pred = _binary((2, 3, 4, 2))
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    np.testing.assert_allclose(kcore.losses.dice(y_true, y_pred, axis=axis), np_dice(y_true, y_pred, np_axis),
                               rtol=1e-6)
    np.testing.assert_allclose(kcore.losses.tversky(y_true, y_pred, alpha=0.3, beta=0.7, axis=axis),
                               np_tversky(y_true, y_pred, 0.3, 0.7, np_axis), rtol=1e-6)


def test_dice_matches_keras_documented_values():
    y_true = [[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]]
    y_pred = [[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]]
    np.testing.assert_allclose(kcore.losses.Dice(axis=(1, 2, 3), reduction=None)(y_true, y_pred),
                               [0.5, 0.75757575], rtol=1e-6)
    assert float(kcore.losses.Dice()(y_true, y_pred)) == pytest.approx(0.6164384, rel=1e-6)


def test_tversky_with_equal_halves_is_dice_and_alpha_weighs_false_positives():
    y_true, y_pred = _binary((4, 6))
    np.testing.assert_allclose(kcore.losses.tversky(y_true, y_pred, axis=1), kcore.losses.dice(y_true, y_pred, axis=1),
                               rtol=1e-6)
    # only false positives: raising alpha raises the loss, beta has no effect
    y_true, y_pred = [[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]
    low, high = (float(kcore.losses.tversky(y_true, y_pred, alpha=a, beta=0.5)[()]) for a in (0.2, 0.8))
    assert low == pytest.approx(1 - 1 / 1.2, rel=1e-5) and high == pytest.approx(1 - 1 / 1.8, rel=1e-5)
    assert float(kcore.losses.tversky(y_true, y_pred, alpha=0.2, beta=0.9)[()]) == pytest.approx(low, rel=1e-6)


def test_perfect_overlap_gives_zero_loss_and_empty_masks_no_nan():
    mask = np.array([[1.0, 0.0, 1.0]])
    assert float(kcore.losses.dice(mask, mask)) == pytest.approx(0.0, abs=1e-6)
    assert float(kcore.losses.tversky(mask, mask)) == pytest.approx(0.0, abs=1e-6)
    assert np.isfinite(kcore.losses.dice(np.zeros((1, 3)), np.zeros((1, 3), "float32")))


# --- generalized cross-entropy ---------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
def test_categorical_generalized_cross_entropy_matches_zhang_and_sabuncu(q):
    labels, y_pred = RNG.integers(0, 4, 6), RNG.dirichlet(np.ones(4), 6)
    np.testing.assert_allclose(kcore.losses.categorical_generalized_cross_entropy(labels, y_pred, q=q),
                               np_gce(labels, y_pred, q), rtol=1e-6)
    np.testing.assert_allclose(kcore.losses.categorical_generalized_cross_entropy(labels[:, None], y_pred, q=q),
                               np_gce(labels, y_pred, q), rtol=1e-6)


def test_generalized_cross_entropy_tends_to_cross_entropy_as_q_goes_to_zero():
    labels, y_pred = np.array([0, 2]), np.array([[0.6, 0.3, 0.1], [0.2, 0.3, 0.5]])
    np.testing.assert_allclose(kcore.losses.categorical_generalized_cross_entropy(labels, y_pred, q=1e-4),
                               -np.log([0.6, 0.5]), rtol=1e-3)


# --- all classes: sample weights, configs, dtypes, errors ------------------------------------------------------

CLASS_CASES = [
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5, "label_smoothing": 0.1},
     "binary", lambda y, p: np_binary_focal(y, p, True, 0.4, 1.5, label_smoothing=0.1)),
    ("CategoricalFocalCrossentropy", {"alpha": [0.1, 0.2, 0.3, 0.4], "gamma": 3.0, "from_logits": True},
     "one_hot", lambda y, p: np_categorical_focal(y, p, [0.1, 0.2, 0.3, 0.4], 3.0, from_logits=True)),
    ("Dice", {"axis": (1,)}, "binary", lambda y, p: np_dice(y, p, axis=(1,))),
    ("Tversky", {"alpha": 0.8, "beta": 0.2, "axis": 1}, "binary", lambda y, p: np_tversky(y, p, 0.8, 0.2, 1)),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.3}, "labels", lambda y, p: np_gce(y, p, 0.3)),
]


def _class_data(kind):
    if kind == "binary":
        return _binary((5, 4))
    if kind == "one_hot":
        return _one_hot((5, 4))
    return RNG.integers(0, 4, 5), RNG.dirichlet(np.ones(4), 5)


@pytest.mark.parametrize(("cls", "kwargs", "kind", "reference"), CLASS_CASES, ids=[c[0] for c in CLASS_CASES])
def test_loss_class_weights_and_reduces_its_function(cls, kwargs, kind, reference):
    y_true, y_pred = _class_data(kind)
    expected = reference(y_true, y_pred)
    weights = RNG.uniform(0, 2, 5)
    loss = getattr(kcore.losses, cls)
    np.testing.assert_allclose(loss(**kwargs)(y_true, y_pred), expected.mean(), rtol=1e-6)
    np.testing.assert_allclose(loss(**kwargs)(y_true, y_pred, sample_weight=weights), (expected * weights).mean(),
                               rtol=1e-6)
    np.testing.assert_allclose(loss(**kwargs, reduction="sum")(y_true, y_pred), expected.sum(), rtol=1e-6)


@pytest.mark.parametrize(("cls", "kwargs", "kind", "reference"), CLASS_CASES, ids=[c[0] for c in CLASS_CASES])
def test_loss_class_config_has_keras_keys_and_round_trips(cls, kwargs, kind, reference):
    loss = getattr(kcore.losses, cls)(**kwargs, reduction="sum", name="mine")
    config = loss.get_config()
    assert config == {"name": "mine", "reduction": "sum", **{**_keras_defaults(cls), **kwargs}}
    clone = type(loss).from_config(config)
    assert clone.get_config() == config
    y_true, y_pred = _class_data(kind)
    np.testing.assert_allclose(clone(y_true, y_pred), loss(y_true, y_pred))


def _keras_defaults(cls):
    return {
        "BinaryFocalCrossentropy": {"apply_class_balancing": False, "alpha": 0.25, "gamma": 2.0, "from_logits": False,
                                    "label_smoothing": 0.0, "axis": -1},
        "CategoricalFocalCrossentropy": {"alpha": 0.25, "gamma": 2.0, "from_logits": False, "label_smoothing": 0.0,
                                         "axis": -1},
        "Dice": {"axis": None}, "Tversky": {"alpha": 0.5, "beta": 0.5, "axis": None},
        "CategoricalGeneralizedCrossEntropy": {"q": 0.5},
    }[cls]


def test_new_names_resolve_through_the_registry():  # default names: test_loss_contract.py
    assert kcore.losses.get("binary_focal_crossentropy") is kcore.losses.binary_focal_crossentropy
    assert isinstance(kcore.losses.get("Tversky"), kcore.losses.Tversky)


@pytest.mark.parametrize("name", ["binary_focal_crossentropy", "categorical_focal_crossentropy", "dice", "tversky"])
def test_float32_predictions_give_a_float32_loss_whatever_the_labels_dtype(name):
    y_true, y_pred = _one_hot((3, 4))
    for labels in (y_true, y_true.astype("int64"), y_true.astype("float16")):
        assert kcore.losses.get(name)(labels, y_pred.astype("float32")).dtype == np.float32


def test_generalized_cross_entropy_keeps_float32():
    values = kcore.losses.categorical_generalized_cross_entropy(np.array([0, 1]), np.full((2, 3), 1 / 3, "float32"))
    assert values.dtype == np.float32


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: kcore.losses.BinaryFocalCrossentropy(gamma=-1.0)([[1.0]], [[0.5]]), ConfigError, "gamma"),
    (lambda: kcore.losses.binary_focal_crossentropy([[1.0]], [[0.5]], label_smoothing=1.5), ConfigError,
     "label_smoothing"),
    (lambda: kcore.losses.binary_focal_crossentropy([[1.0]], [[0.5]], apply_class_balancing=True, alpha=2.0),
     ConfigError, "alpha"),
    (lambda: kcore.losses.binary_focal_crossentropy(np.ones((2, 3)), np.ones((2, 4)) / 2), ShapeError, "shape"),
    (lambda: kcore.losses.categorical_focal_crossentropy(np.eye(3), np.eye(3) / 2 + 0.1, alpha=[0.5, 0.5]),
     ShapeError, "one weight per class"),
    (lambda: kcore.losses.categorical_focal_crossentropy([[0, 1, 0]], [[0.1, 0.8, 0.1]], axis=True), ConfigError,
     "axis"),
    (lambda: kcore.losses.categorical_focal_crossentropy([1, 2], np.full((2, 3), 1 / 3)), ShapeError,
     "integer class labels"),
    (lambda: kcore.losses.categorical_focal_crossentropy([[1.0]], [[0.5]], gamma="2"), ConfigError, "gamma"),
    (lambda: kcore.losses.dice([[1.0, 0.0]], [[0.5, 0.5]], axis="rows"), ConfigError, "axis"),
    (lambda: kcore.losses.dice([[1.0, 0.0]], [[0.5, 0.5, 0.5]]), ShapeError, "same shape"),
    (lambda: kcore.losses.tversky([[1.0, 0.0]], [[0.5, 0.5]], alpha=-0.1), ConfigError, "alpha"),
    (lambda: kcore.losses.CategoricalGeneralizedCrossEntropy(q=1.0), ConfigError, "q"),
    (lambda: kcore.losses.categorical_generalized_cross_entropy([0, 1], [[0.5, 0.5], [0.5, 0.5]], q=0), ConfigError,
     "q"),
    (lambda: kcore.losses.categorical_generalized_cross_entropy(np.eye(2), np.full((2, 2), 0.5)), ShapeError,
     "one-hot"),
    (lambda: kcore.losses.categorical_generalized_cross_entropy([0, 2], np.full((2, 2), 0.5)), OpIndexError,
     r"\[0, 2\)"),
])
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_single_class_categorical_focal_warns_towards_the_binary_loss():
    with pytest.warns(SyntaxWarning, match="binary_focal_crossentropy"):
        kcore.losses.categorical_focal_crossentropy([[1.0], [1.0]], [[0.7], [0.4]])


def test_gradients_flow_through_every_new_function():
    y_true, y_pred = _binary((3, 4))
    for fn in (kcore.losses.dice, kcore.losses.tversky, kcore.losses.binary_focal_crossentropy):
        check_gradients(lambda p, fn=fn: fn(y_true, p), [y_pred], name=fn.__name__)
    logits = RNG.normal(0, 2, (3, 4))
    check_gradients(lambda p: kcore.losses.binary_focal_crossentropy(y_true, p, from_logits=True, gamma=1.5,
                                                                     apply_class_balancing=True), [logits])
    check_gradients(lambda p: kcore.losses.categorical_generalized_cross_entropy(np.array([0, 3, 1]), p, q=0.4),
                    [RNG.dirichlet(np.ones(4), 3)])


# --- circle ----------------------------------------------------------------------------------------------------


def np_circle(labels, emb, ref_labels=None, ref=None, remove_diagonal=True, gamma=80.0, margin=0.4):
    """Sun et al. (2020), pair-wise: softplus(logsumexp_pos(-gamma a_p (m - d)) + logsumexp_neg(gamma a_n (1 - m - d)))
    with cosine distances d = max(1 - cos, 0), a_p = max(m + d, 0), a_n = max(1 + m - d, 0); written row by row."""
    ref_labels = labels if ref_labels is None else ref_labels
    ref = emb if ref is None else ref
    out = np.zeros(len(labels))
    for i in range(len(labels)):
        d = np.maximum(1 - ref @ emb[i], 0)
        pos = ref_labels == labels[i]
        if remove_diagonal and i < len(ref_labels):
            pos[i] = False
        neg = ref_labels != labels[i]
        if pos.any() and neg.any():
            p = np.logaddexp.reduce(-gamma * np.maximum(margin + d[pos], 0) * (margin - d[pos]))
            n = np.logaddexp.reduce(gamma * np.maximum(1 + margin - d[neg], 0) * (1 - margin - d[neg]))
            out[i] = np.logaddexp(0, p + n)
    return out


def _embeddings(n, dim=4):
    x = RNG.normal(size=(n, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


CIRCLE_LABELS = np.array([1, 1, 2, 2, 3])
CIRCLE_PRED = np.array([[0.70014004, -0.42008403, 0.14002801, 0.56011203],
                        [0.17609018, 0.70436073, -0.52827054, 0.44022545],
                        [-0.34050261, 0.25537696, -0.68100522, 0.59587957],
                        [0.32163376, -0.75047877, 0.53605627, -0.21442251],
                        [0.51261459, -0.34174306, 0.17087153, 0.76892189]])
CIRCLE_REF_LABELS = np.array([1, 1, 2, 2, 3, 4])
CIRCLE_REF = np.array([[0.40824829, -0.54433105, 0.27216553, 0.68041382],
                       [0.76376261, 0.10910895, -0.54554473, 0.32732684],
                       [-0.74420841, 0.24806947, 0.49613894, -0.3721042],
                       [0.52981294, -0.13245324, 0.79471941, -0.26490647],
                       [0.54554473, -0.32732684, 0.10910895, 0.76376261],
                       [-0.27216553, 0.68041382, 0.40824829, -0.54433105]])


@pytest.mark.parametrize("kwargs", [{}, {"gamma": 4.0, "margin": 0.25}, {"remove_diagonal": False, "gamma": 16.0}])
def test_circle_matches_sun_et_al_within_the_batch(kwargs):
    labels, emb = RNG.integers(0, 3, 8), _embeddings(8)
    np.testing.assert_allclose(kcore.losses.circle(labels, emb, **kwargs), np_circle(labels, emb, **kwargs),
                               rtol=1e-6, atol=1e-9)


def test_circle_against_reference_embeddings_matches_the_formula_and_keras_values():
    values = kcore.losses.circle(CIRCLE_LABELS, CIRCLE_PRED, ref_labels=CIRCLE_REF_LABELS, ref_embeddings=CIRCLE_REF,
                                 remove_diagonal=False)
    np.testing.assert_allclose(values, np_circle(CIRCLE_LABELS, CIRCLE_PRED, CIRCLE_REF_LABELS, CIRCLE_REF, False),
                               rtol=1e-6)
    np.testing.assert_allclose(values, [61.5844, 94.3465, 276.9344, 90.9873, 48.8963], atol=1e-3)


def test_circle_class_matches_keras_documented_values_and_masks_zero_losses():
    weights = np.array([2.0, 2.0, 1.0, 1.0, 0.5])
    assert float(kcore.losses.Circle()(CIRCLE_LABELS, CIRCLE_PRED)) == pytest.approx(188.3883, abs=1e-3)
    assert float(kcore.losses.Circle(gamma=256, margin=0.25)(CIRCLE_LABELS, CIRCLE_PRED)) == pytest.approx(
        652.7617, abs=1e-3)
    assert float(kcore.losses.Circle()(CIRCLE_LABELS, CIRCLE_PRED, sample_weight=weights)) == pytest.approx(
        244.91918, abs=1e-3)
    assert float(kcore.losses.Circle(reduction="mean_with_sample_weight")(
        CIRCLE_LABELS, CIRCLE_PRED, sample_weight=weights)) == pytest.approx(163.27948, abs=1e-3)
    values = kcore.losses.Circle(reduction=None)(CIRCLE_REF_LABELS, CIRCLE_REF)
    np.testing.assert_allclose(values, [82.9116, 36.7942, 92.4590, 52.6798, 0.0, 0.0], atol=1e-3)
    assert float(kcore.losses.Circle(reduction="sum")(CIRCLE_REF_LABELS, CIRCLE_REF)) == pytest.approx(
        values.sum(), rel=1e-6)
    # the two samples without a positive pair are masked out of the mean
    assert float(kcore.losses.Circle()(CIRCLE_REF_LABELS, CIRCLE_REF)) == pytest.approx(values[:4].mean(), rel=1e-6)


def test_circle_config_round_trips_and_errors_are_clear():
    loss = kcore.losses.Circle(gamma=32.0, margin=0.3, remove_diagonal=False)
    assert loss.get_config() == {"name": "circle", "reduction": "sum_over_batch_size", "gamma": 32.0, "margin": 0.3,
                                 "remove_diagonal": False}
    assert kcore.losses.Circle.from_config(loss.get_config()).get_config() == loss.get_config()
    with pytest.raises(ConfigError, match="gamma"):
        kcore.losses.circle([0, 1], _embeddings(2), gamma=0)
    with pytest.raises(ShapeError, match="one integer label per embedding"):
        kcore.losses.circle([0, 1, 1], _embeddings(2))
    with pytest.raises(ShapeError, match="embedding size"):
        kcore.losses.circle([0, 1], _embeddings(2), ref_labels=[0, 1], ref_embeddings=_embeddings(2, dim=3))


def test_circle_keeps_float32_and_its_gradient_matches_finite_differences():
    labels, emb = RNG.integers(0, 2, 6), _embeddings(6)
    assert kcore.losses.circle(labels, emb.astype("float32")).dtype == np.float32
    check_gradients(lambda p: kcore.losses.circle(labels, p, gamma=8.0, margin=0.25), [emb])
    check_gradients(lambda p: kcore.losses.circle(labels[:3], p, ref_labels=labels, ref_embeddings=emb, gamma=8.0),
                    [emb[:3]])
