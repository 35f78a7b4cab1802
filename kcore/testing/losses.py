"""The loss conformance test: values stay float32, and the gradient w.r.t. y_pred matches finite differences."""

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcore.testing.gradcheck import check_gradients

#: how y_true and y_pred are drawn, by kind
KINDS = ("real", "positive", "probabilities", "distribution", "logits", "binary", "labels", "one_hot", "signs")


@dataclasses.dataclass(frozen=True)
class LossCase:
    """How to test one registered loss (a function or a class).

    Args:
        loss: the registered name, e.g. "mse" or "CategoricalCrossentropy".
        kwargs: constructor arguments when `loss` names a class.
        y_true, y_pred: kinds of values from `KINDS` ("labels" draws integer class indices).
        shape: the shape of y_pred, (batch, classes); sparse labels have shape (batch,).
    """

    loss: str
    y_true: str = "real"
    y_pred: str = "real"
    kwargs: dict = dataclasses.field(default_factory=dict)
    shape: tuple = (4, 3)
    rtol: float = 1e-4
    atol: float = 1e-6


def _draw(kind, shape, rng):
    if kind == "real":
        return rng.uniform(-2, 2, shape)
    if kind == "positive":
        return rng.uniform(0.2, 3, shape)
    if kind == "probabilities":
        return rng.uniform(0.05, 0.95, shape)
    if kind == "distribution":
        p = rng.uniform(0.1, 1, shape)
        return p / p.sum(axis=-1, keepdims=True)
    if kind == "logits":
        return rng.normal(0, 2, shape)
    if kind == "binary":
        return rng.integers(0, 2, shape).astype("float64")
    if kind == "labels":
        return rng.integers(0, shape[-1], shape[:-1])
    if kind == "one_hot":
        return np.eye(shape[-1])[rng.integers(0, shape[-1], shape[:-1])]
    if kind == "signs":
        return rng.choice([-1.0, 1.0], shape)
    raise ValueError(f"unknown value kind {kind!r}; one of {KINDS}")


def _instance(case):
    from kcore.plugins import manager

    found = manager().get("loss", case.loss)
    return found(**case.kwargs) if isinstance(found, type) else found


def check_loss_case(case, max_examples=None):
    loss = _instance(case)
    options = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
    if max_examples is not None:
        options["max_examples"] = max_examples

    @settings(**options)
    @given(st.integers(0, 2**32 - 1))
    def property_test(seed):
        rng = np.random.default_rng(seed)
        y_true = _draw(case.y_true, case.shape, rng)
        y_pred = _draw(case.y_pred, case.shape, rng)
        value32 = np.asarray(loss(y_true.astype("float32") if y_true.dtype.kind == "f" else y_true,
                                  y_pred.astype("float32")))
        assert value32.dtype == np.float32, f"loss {case.loss} turned float32 predictions into {value32.dtype}"
        assert np.all(np.isfinite(value32)), f"loss {case.loss} is not finite: {value32}"
        check_gradients(lambda p: loss(y_true, p), [y_pred], rtol=case.rtol, atol=case.atol,
                        name=f"loss {case.loss}")

    property_test()


def collect_loss_cases(errors=None):
    """Every installed plugin's loss cases, by loss name (loads every plugin). A plugin whose hook fails is
    left out and reported (see `kcore.testing.collection.plugin_cases`)."""
    from kcore.testing.collection import plugin_cases

    cases = {}
    for _plugin, case in plugin_cases("kcore_loss_cases", LossCase, errors):
        cases.setdefault(case.loss, []).append(case)
    return cases
