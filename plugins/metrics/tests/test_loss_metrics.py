"""The loss-wrapping metrics (crossentropies, hinges, KL, Poisson, MAPE, MSLE, log-cosh, cosine similarity)
against per-sample formulas written here in NumPy, Keras 3's documented examples, and their lookup of the
loss functions in kcore-losses."""

import numpy as np
import pytest
from kcore_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    KLDivergence,
    LogCoshError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)

import kcore.metrics
import kcore.plugins
from kcore.errors import ConfigError, MissingPluginError
from kcore.plugins.plugin_manager import PluginManager

rng = np.random.default_rng(5)
EPS = 1e-7
N, K = 48, 4


# -- NumPy references (float64), one value per sample -----------------------------------------------------


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def log_softmax(x):
    return x - np.logaddexp.reduce(x, axis=-1, keepdims=True)


def bce(y, p, from_logits=False, label_smoothing=0.0):
    y = y * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        return -(y * log_sigmoid(p) + (1 - y) * log_sigmoid(-p)).mean(-1)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(-1)


def cce(y, p, from_logits=False, label_smoothing=0.0):
    y = y * (1 - label_smoothing) + label_smoothing / y.shape[-1]
    log_p = log_softmax(p) if from_logits else np.log(p / p.sum(-1, keepdims=True))
    return -(y * log_p).sum(-1)


def scce(labels, p, from_logits=False):
    log_p = log_softmax(p) if from_logits else np.log(p / p.sum(-1, keepdims=True))
    return -np.take_along_axis(log_p, labels[:, None], axis=-1)[:, 0]


def kld(y, p):
    y, p = np.clip(y, EPS, 1), np.clip(p, EPS, 1)
    return (y * np.log(y / p)).sum(-1)


def signed(y):
    return 2 * y - 1 if np.isin(y, (0, 1)).all() else y


REFERENCES = {
    "binary": bce,
    "categorical": cce,
    "kl": kld,
    "poisson": lambda y, p: (p - y * np.log(p + EPS)).mean(-1),
    "hinge": lambda y, p: np.maximum(1 - signed(y) * p, 0).mean(-1),
    "squared_hinge": lambda y, p: (np.maximum(1 - signed(y) * p, 0) ** 2).mean(-1),
    "categorical_hinge": lambda y, p: np.maximum(((1 - y) * p).max(-1) - (y * p).sum(-1) + 1, 0),
    "mape": lambda y, p: 100 * np.abs((y - p) / np.maximum(np.abs(y), EPS)).mean(-1),
    "msle": lambda y, p: ((np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(y, EPS))) ** 2).mean(-1),
    "log_cosh": lambda y, p: np.log(np.cosh(p - y)).mean(-1),
    "cosine": lambda y, p: (y / np.linalg.norm(y, axis=-1, keepdims=True)
                            * p / np.linalg.norm(p, axis=-1, keepdims=True)).sum(-1),
}


def data(kind):
    """(y_true, y_pred) of shape (N, K) fit for the loss `kind`, float32."""
    one_hot = np.eye(K)[rng.integers(0, K, N)]
    probabilities = rng.uniform(0.05, 0.95, (N, K))
    distribution = probabilities / probabilities.sum(-1, keepdims=True)
    pairs = {
        "binary": ((rng.random((N, K)) > 0.5) * 1.0, probabilities),
        "categorical": (one_hot, distribution),
        "kl": (rng.dirichlet(np.ones(K), N), distribution),
        "poisson": (rng.poisson(2.0, (N, K)) * 1.0, rng.uniform(0.5, 4, (N, K))),
        "hinge": ((rng.random((N, K)) > 0.5) * 1.0, rng.normal(size=(N, K))),
        "squared_hinge": (rng.choice([-1.0, 1.0], (N, K)), rng.normal(size=(N, K))),
        "categorical_hinge": (one_hot, rng.normal(size=(N, K))),
        "mape": (rng.uniform(0.5, 3, (N, K)) * rng.choice([-1, 1], (N, K)), rng.normal(size=(N, K))),
        "msle": (rng.uniform(0, 3, (N, K)), rng.uniform(0, 3, (N, K))),
        "log_cosh": (rng.normal(size=(N, K)), rng.normal(size=(N, K))),
        "cosine": (rng.normal(size=(N, K)), rng.normal(size=(N, K))),
    }
    y_true, y_pred = pairs[kind]
    return y_true.astype("float32"), y_pred.astype("float32")


CASES = [
    (BinaryCrossentropy, {}, "binary"), (CategoricalCrossentropy, {}, "categorical"), (KLDivergence, {}, "kl"),
    (Poisson, {}, "poisson"), (Hinge, {}, "hinge"), (SquaredHinge, {}, "squared_hinge"),
    (CategoricalHinge, {}, "categorical_hinge"), (MeanAbsolutePercentageError, {}, "mape"),
    (MeanSquaredLogarithmicError, {}, "msle"), (LogCoshError, {}, "log_cosh"), (CosineSimilarity, {}, "cosine"),
]


def weighted_mean(values, weights):
    return float((values * weights).sum() / weights.sum())


# -- values ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "kwargs", "kind"), CASES, ids=[c[0].__name__ for c in CASES])
def test_weighted_batches_give_the_weighted_mean_of_the_numpy_per_sample_values(make, kwargs, kind):
    y_true, y_pred = data(kind)
    weights = rng.random(N).astype("float32")
    expected = weighted_mean(REFERENCES[kind](y_true.astype("float64"), y_pred.astype("float64")), weights)
    metric = make(**kwargs)
    for part in np.array_split(np.arange(N), [5, 30]):
        metric.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    result = metric.result()
    assert result.dtype == np.float32 and result.shape == ()
    assert float(result) == pytest.approx(expected, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize(("make", "kwargs", "kind"), CASES, ids=[c[0].__name__ for c in CASES])
def test_unweighted_result_is_the_plain_mean_and_reset_state_forgets_it(make, kwargs, kind):
    y_true, y_pred = data(kind)
    metric = make(**kwargs)
    metric.update_state(y_true[:7] + 1, y_pred[:7] + 1)  # a batch to forget
    metric.reset_state()
    assert [float(v.value) for v in metric.variables] == [0.0, 0.0]
    metric.update_state(y_true, y_pred)
    expected = REFERENCES[kind](y_true.astype("float64"), y_pred.astype("float64")).mean()
    assert float(metric.result()) == pytest.approx(expected, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_binary_crossentropy_from_logits_and_label_smoothing(label_smoothing):
    y_true, _ = data("binary")
    logits = rng.normal(0, 3, (N, K)).astype("float32")
    metric = BinaryCrossentropy(from_logits=True, label_smoothing=label_smoothing)
    metric.update_state(y_true, logits)
    expected = bce(y_true.astype("float64"), logits.astype("float64"), True, label_smoothing).mean()
    assert float(metric.result()) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.3])
def test_categorical_crossentropy_from_logits_and_label_smoothing(label_smoothing):
    y_true, _ = data("categorical")
    logits = rng.normal(0, 3, (N, K)).astype("float32")
    metric = CategoricalCrossentropy(from_logits=True, label_smoothing=label_smoothing)
    metric.update_state(y_true, logits)
    expected = cce(y_true.astype("float64"), logits.astype("float64"), True, label_smoothing).mean()
    assert float(metric.result()) == pytest.approx(expected, rel=1e-5)


def test_categorical_crossentropy_along_another_axis_equals_the_transposed_default():
    y_true, y_pred = data("categorical")
    along_0, along_last = CategoricalCrossentropy(axis=0), CategoricalCrossentropy()
    along_0.update_state(y_true.T, y_pred.T)
    along_last.update_state(y_true, y_pred)
    assert float(along_0.result()) == pytest.approx(float(along_last.result()), rel=1e-6)


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_crossentropy_takes_integer_labels_of_shape_n_or_n_by_1(from_logits):
    labels = rng.integers(0, K, N)
    y_pred = (rng.normal(size=(N, K)) if from_logits else data("categorical")[1]).astype("float32")
    weights = rng.random(N).astype("float32")
    expected = weighted_mean(scce(labels, y_pred.astype("float64"), from_logits), weights)
    for given in (labels, labels[:, None]):
        metric = SparseCategoricalCrossentropy(from_logits=from_logits)
        metric.update_state(given, y_pred, sample_weight=weights)
        assert float(metric.result()) == pytest.approx(expected, rel=1e-5)


def test_sparse_categorical_crossentropy_ignore_class_scores_those_positions_zero():
    labels = np.array([0, -1, 2, -1])
    y_pred = data("categorical")[1][:4]
    metric = SparseCategoricalCrossentropy(ignore_class=-1)
    metric.update_state(labels, y_pred)
    values = scce(np.array([0, 0, 2, 0]), y_pred.astype("float64")) * np.array([1, 0, 1, 0])
    assert float(metric.result()) == pytest.approx(values.mean(), rel=1e-5)


def test_cosine_similarity_is_one_for_aligned_and_minus_one_for_opposite_vectors():
    x = rng.normal(size=(6, 3)).astype("float32")
    aligned, opposite = CosineSimilarity(), CosineSimilarity()
    aligned.update_state(x, 2 * x)
    opposite.update_state(x, -x)
    assert (float(aligned.result()), float(opposite.result())) == (pytest.approx(1.0), pytest.approx(-1.0))


# Keras 3's docstring examples: (metric, y_true, y_pred, sample_weight, plain result, weighted result).
PAIR_A, PRED_A = [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
PAIR_B, PRED_B = [[0, 1], [0, 0]], [[1, 1], [0, 0]]
KERAS_EXAMPLES = [
    (KLDivergence(), PAIR_A, PRED_A, [1, 0], 0.45814306, 0.9162892),
    (Poisson(), PAIR_B, PRED_B, [1, 0], 0.49999997, 0.99999994),
    (BinaryCrossentropy(), PAIR_A, PRED_A, [1, 0], 0.81492424, 0.9162905),
    (CategoricalCrossentropy(), [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], [0.3, 0.7],
     1.1769392, 1.6271976),
    (SparseCategoricalCrossentropy(), [1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], [0.3, 0.7], 1.1769392,
     1.6271976),
    (Hinge(), PAIR_A, PRED_A, [1, 0], 1.3, 1.1),
    (SquaredHinge(), PAIR_A, PRED_A, [1, 0], 1.86, 1.46),
    (CategoricalHinge(), PAIR_A, PRED_A, [1, 0], 1.4, 1.2),
    (MeanSquaredLogarithmicError(), PAIR_B, PRED_B, [1, 0], 0.12011322, 0.24022643),
    (LogCoshError(), PAIR_B, PRED_B, [1, 0], 0.10844523, 0.21689045),
    (CosineSimilarity(axis=1), [[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]], [0.3, 0.7], 0.49999997,
     0.6999999),
]


@pytest.mark.parametrize(("metric", "y_true", "y_pred", "weights", "plain", "weighted"), KERAS_EXAMPLES,
                         ids=[type(e[0]).__name__ for e in KERAS_EXAMPLES])
def test_loss_metrics_reproduce_keras_docstring_examples(metric, y_true, y_pred, weights, plain, weighted):
    metric.update_state(y_true, y_pred)
    assert float(metric.result()) == pytest.approx(plain, rel=1e-5)
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=weights)
    assert float(metric.result()) == pytest.approx(weighted, rel=1e-5)


def test_mape_reproduces_keras_docstring_example():
    metric = MeanAbsolutePercentageError()
    metric.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert float(metric.result()) == pytest.approx(250000000.0, rel=1e-5)
    metric.reset_state()
    metric.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
    assert float(metric.result()) == pytest.approx(500000000.0, rel=1e-5)


# -- names, config, errors ------------------------------------------------------------------------------


def test_default_names_and_directions_follow_keras():
    metrics = [BinaryCrossentropy(), CategoricalCrossentropy(), SparseCategoricalCrossentropy(), KLDivergence(),
               Poisson(), Hinge(), SquaredHinge(), CategoricalHinge(), MeanAbsolutePercentageError(),
               MeanSquaredLogarithmicError(), LogCoshError(), CosineSimilarity()]
    assert [m.name for m in metrics] == [
        "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence",
        "poisson", "hinge", "squared_hinge", "categorical_hinge", "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error", "logcosh", "cosine_similarity"]
    assert [m._direction for m in metrics] == ["down"] * 11 + ["up"]


@pytest.mark.parametrize(("metric", "expected"), [
    (BinaryCrossentropy(name="bce_1", from_logits=True, label_smoothing=0.1),
     {"name": "bce_1", "dtype": "float32", "from_logits": True, "label_smoothing": 0.1}),
    (CategoricalCrossentropy(label_smoothing=0.2, axis=1),
     {"name": "categorical_crossentropy", "dtype": "float32", "from_logits": False, "label_smoothing": 0.2,
      "axis": 1}),
    (SparseCategoricalCrossentropy(ignore_class=3),
     {"name": "sparse_categorical_crossentropy", "dtype": "float32", "from_logits": False, "ignore_class": 3,
      "axis": -1}),
    (CosineSimilarity(axis=0), {"name": "cosine_similarity", "dtype": "float32", "axis": 0}),
    (Hinge(), {"name": "hinge", "dtype": "float32"}),
    (LogCoshError(), {"name": "logcosh", "dtype": "float32"}),
])
def test_config_has_keras_keys_and_round_trips(metric, expected):
    assert metric.get_config() == expected
    clone = type(metric).from_config(metric.get_config())
    assert clone.get_config() == expected


def test_a_clone_from_config_computes_the_same_values():
    y_true, _ = data("binary")
    logits = rng.normal(size=(N, K)).astype("float32")
    metric = BinaryCrossentropy(from_logits=True, label_smoothing=0.1)
    clone = BinaryCrossentropy.from_config(metric.get_config())
    metric.update_state(y_true, logits)
    clone.update_state(y_true, logits)
    assert float(clone.result()) == float(metric.result())


@pytest.mark.parametrize(("make", "message"), [
    (lambda: BinaryCrossentropy(label_smoothing=1.5), "label_smoothing=1.5"),
    (lambda: CategoricalCrossentropy(label_smoothing=-0.1), r"label_smoothing=-0\.1"),
    (lambda: CategoricalCrossentropy(axis="last"), "axis='last'"),
    (lambda: SparseCategoricalCrossentropy(axis=1.0), r"axis=1\.0"),
    (lambda: CosineSimilarity(axis=None), "axis=None"),
])
def test_bad_arguments_are_refused_with_the_value_received(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


@pytest.mark.parametrize(("name", "cls"), [
    ("binary_crossentropy", BinaryCrossentropy), ("bce", BinaryCrossentropy), ("BCE", BinaryCrossentropy),
    ("categorical_crossentropy", CategoricalCrossentropy),
    ("sparse_categorical_crossentropy", SparseCategoricalCrossentropy), ("kl_divergence", KLDivergence),
    ("poisson", Poisson), ("hinge", Hinge), ("squared_hinge", SquaredHinge), ("categorical_hinge", CategoricalHinge),
    ("mean_absolute_percentage_error", MeanAbsolutePercentageError), ("mape", MeanAbsolutePercentageError),
    ("MAPE", MeanAbsolutePercentageError), ("mean_squared_logarithmic_error", MeanSquaredLogarithmicError),
    ("msle", MeanSquaredLogarithmicError), ("MSLE", MeanSquaredLogarithmicError), ("log_cosh_error", LogCoshError),
    ("cosine_similarity", CosineSimilarity), ("KLDivergence", KLDivergence), ("LogCoshError", LogCoshError),
])
def test_keras_string_names_give_the_metric_class_with_its_defaults(name, cls):
    kcore.plugins.reset()
    assert type(kcore.metrics.get(name)) is cls


@pytest.fixture
def without_kcore_losses(monkeypatch):
    """kcore as it is on a machine where kcore-losses is not installed: no plugin declares a loss."""
    providers = PluginManager.providers
    monkeypatch.setattr(PluginManager, "providers",
                        lambda self, kind, name: [] if kind == "loss" else providers(self, kind, name))
    kcore.plugins.reset()
    yield
    kcore.plugins.reset()


@pytest.mark.parametrize("make", [BinaryCrossentropy, Hinge, KLDivergence, CosineSimilarity])
def test_without_kcore_losses_an_update_says_which_package_to_install(without_kcore_losses, make):
    metric = make()
    with pytest.raises(MissingPluginError, match=rf"{make.__name__}.*pip install kcore-losses"):
        metric.update_state([[0.0, 1.0]], [[0.3, 0.7]])
    assert isinstance(MissingPluginError("x"), ImportError)


def test_string_names_work_in_compile_and_match_the_loss():
    from kcore import layers

    kcore.plugins.reset()
    x = rng.normal(size=(32, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = kcore.Sequential([layers.Input(shape=(3,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["binary_crossentropy", "squared_hinge"])
    logs = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    assert logs["binary_crossentropy"] == pytest.approx(logs["loss"], rel=1e-5)
    p = model.predict(x, verbose=0).astype("float64")
    assert logs["squared_hinge"] == pytest.approx(REFERENCES["squared_hinge"](y.astype("float64"), p).mean(), rel=1e-5)


def test_string_metrics_are_logged_under_the_string_given_as_in_keras():
    import kcore
    from kcore import layers

    rng = np.random.default_rng(0)
    model = kcore.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="mse", metrics=["mae", "MSE", "bce", "auc"])
    history = model.fit(rng.random((16, 4), dtype="float32"), rng.integers(0, 2, (16, 1)).astype("float32"),
                        epochs=1, verbose=0, validation_split=0.25)
    assert sorted(history.history) == ["MSE", "auc", "bce", "loss", "mae", "val_MSE", "val_auc", "val_bce", "val_loss",
                                       "val_mae"]
