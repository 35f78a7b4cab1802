"""FBetaScore and F1Score against precision and recall counted in NumPy, and Keras 3's examples."""

import numpy as np
import pytest
from kcore_metrics import F1Score, FBetaScore

import kcore.metrics
import kcore.plugins
from kcore.errors import ConfigError, ShapeError

rng = np.random.default_rng(7)
EPS = 1e-7


def f_beta(predicted, y_true, weights, beta, average):
    """Keras's formula: per class (or over everything for "micro"), epsilon in each denominator."""
    axis = None if average == "micro" else 0
    tp = (predicted * y_true * weights).sum(axis)
    fp = (predicted * (1 - y_true) * weights).sum(axis)
    fn = ((1 - predicted) * y_true * weights).sum(axis)
    precision, recall = tp / (tp + fp + EPS), tp / (tp + fn + EPS)
    score = (1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall + EPS)
    if average == "weighted":
        support = (y_true * weights).sum(0)
        return (score * support / (support.sum() + EPS)).sum()
    return score.mean() if average else score


Y_TRUE = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]], "int32")
Y_PRED = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], "float32")


def test_f1_and_fbeta_reproduce_keras_docstring_examples():
    f1 = F1Score(threshold=0.5)
    f1.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(f1.result(), [0.5, 0.8, 0.6666667], rtol=1e-5)
    fbeta = FBetaScore(beta=2.0, threshold=0.5)
    fbeta.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(fbeta.result(), [0.3846154, 0.90909094, 0.8333334], rtol=1e-5)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize(("beta", "threshold"), [(1.0, 0.5), (0.5, 0.3), (2.0, None)])
def test_weighted_batches_match_numpy_for_every_average(average, beta, threshold):
    y_true = (rng.random((80, 5)) > 0.6).astype("float32")
    y_pred = rng.random((80, 5)).astype("float32")
    weights = rng.random(80).astype("float32")
    if threshold is None:  # the top score of each sample
        predicted = (y_pred == y_pred.max(-1, keepdims=True)).astype("float64")
    else:
        predicted = (y_pred > threshold).astype("float64")
    expected = f_beta(predicted, y_true.astype("float64"), weights[:, None].astype("float64"), beta, average)
    metric = FBetaScore(average=average, beta=beta, threshold=threshold)
    for part in np.array_split(np.arange(80), [13, 40]):
        metric.update_state(y_true[part], y_pred[part], sample_weight=weights[part])
    result = metric.result()
    assert result.dtype == np.float32 and result.shape == (() if average else (5,))
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-6)


def test_argmax_mode_keeps_an_all_zero_prediction_negative():
    metric = F1Score(average="micro")
    metric.update_state([[1, 0], [0, 1]], [[0.0, 0.0], [0.1, 0.9]])
    # one true positive, no false positive, one false negative: precision 1, recall 1/2
    assert float(metric.result()) == pytest.approx(2 / 3, rel=1e-5)


def test_reset_state_zeroes_every_count():
    metric = F1Score(average="macro", threshold=0.5)
    metric.update_state(Y_TRUE, Y_PRED)
    metric.reset_state()
    assert all(not v.value.any() for v in metric.variables)
    metric.update_state([[1, 0, 0]], [[0.9, 0.1, 0.1]])
    assert float(metric.result()) == pytest.approx(1 / 3, rel=1e-5)  # classes 1 and 2 score 0


def test_variables_are_created_on_first_update_per_class_or_scalar_for_micro():
    per_class, micro = F1Score(), F1Score(average="micro")
    assert per_class.variables == []
    per_class.update_state(Y_TRUE, Y_PRED)
    micro.update_state(Y_TRUE, Y_PRED)
    assert [(v.name, v.shape) for v in per_class.variables] == [
        ("true_positives", (3,)), ("false_positives", (3,)), ("false_negatives", (3,)),
        ("intermediate_weights", (3,))]
    assert {v.shape for v in micro.variables} == {()}


def test_config_follows_keras_and_round_trips():
    fbeta = FBetaScore(average="weighted", beta=0.5, threshold=0.4, name="fb")
    assert fbeta.get_config() == {"name": "fb", "dtype": "float32", "average": "weighted", "beta": 0.5,
                                  "threshold": 0.4}
    assert FBetaScore.from_config(fbeta.get_config()).get_config() == fbeta.get_config()
    f1 = F1Score(average="macro")
    assert f1.get_config() == {"name": "f1_score", "dtype": "float32", "average": "macro", "threshold": None}
    assert F1Score.from_config(f1.get_config()).average == "macro"
    assert FBetaScore().name == "fbeta_score"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"average": "samples"}, "average='samples'"), ({"beta": 0.0}, r"beta=0\.0"), ({"beta": -1}, "beta=-1"),
    ({"threshold": 1.5}, r"threshold=1\.5"), ({"threshold": 0.0}, r"threshold=0\.0"),
])
def test_bad_arguments_are_refused_with_the_value_received(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        FBetaScore(**kwargs)


def test_inputs_that_are_not_samples_by_classes_are_a_shape_error():
    with pytest.raises(ShapeError, match=r"\(samples, classes\).*\(4,\)"):
        F1Score().update_state([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.3])


@pytest.mark.parametrize(("name", "cls"), [("f1_score", F1Score), ("f_beta_score", FBetaScore),
                                           ("F1Score", F1Score), ("FBetaScore", FBetaScore)])
def test_keras_string_names_give_the_metric_class(name, cls):
    kcore.plugins.reset()
    assert type(kcore.metrics.get(name)) is cls


def test_per_class_scores_reach_the_logs_as_arrays_as_in_keras():
    import kcore
    from kcore import layers

    rng = np.random.default_rng(3)
    x = rng.random((48, 4), dtype="float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 48)]
    model = kcore.Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[F1Score()])
    history = model.fit(x, y, epochs=2, verbose=0)
    assert history.history["f1_score"][-1].shape == (3,)
    scores = model.evaluate(x, y, verbose=0, return_dict=True)["f1_score"]
    metric = F1Score()
    metric.update_state(y, model.predict(x, verbose=0))
    np.testing.assert_allclose(scores, metric.result(), rtol=1e-6)
