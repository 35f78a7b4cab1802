"""The layer conformance test: what every layer, first-party or not, must satisfy."""

import dataclasses
import inspect

import numpy as np

from kcore.autodiff import GradientTape, Node
from kcore.testing.gradcheck import check_gradients
from kcore.utils import tree


@dataclasses.dataclass(frozen=True)
class LayerCase:
    """How to test one registered layer.

    Args:
        layer: the registered name, e.g. "Dense".
        kwargs: constructor arguments.
        input_shape: the input's shape with the batch dimension, or a list of shapes for several inputs.
        low, high, away_from: the range of input values, and points (kinks) they keep away from.
        integer_inputs: draw integers in [0, high) instead of floats (e.g. Embedding indices).
        call_kwargs: extra arguments to each call (e.g. {"training": True} for a layer whose training path
            is deterministic).
        rtol, atol: tolerances of the gradient check.
        deterministic_training: False for layers that draw random numbers in training (Dropout); their
            training path is checked for shape only.
        strings: draw string inputs from these (text preprocessing layers: no float input, so no gradient).
    """

    layer: str
    kwargs: dict = dataclasses.field(default_factory=dict)
    input_shape: tuple | list = (2, 3)
    low: float = -2.0
    high: float = 2.0
    away_from: tuple = ()
    integer_inputs: bool = False
    call_kwargs: dict = dataclasses.field(default_factory=dict)
    rtol: float = 1e-4
    atol: float = 1e-6
    deterministic_training: bool = True
    strings: tuple = ()


def make_inputs(case, seed=0, dtype="float64"):
    rng = np.random.default_rng(seed)
    shapes = case.input_shape if isinstance(case.input_shape, list) else [case.input_shape]
    arrays = []
    for shape in shapes:
        if case.strings:
            arrays.append(rng.choice(np.asarray(case.strings, dtype=str), size=shape))
            continue
        if case.integer_inputs:
            arrays.append(rng.integers(0, int(case.high), size=shape).astype("int32"))
            continue
        x = rng.uniform(case.low, case.high, size=shape)
        for kink in case.away_from:  # a finite difference must not straddle a kink
            near = np.abs(x - kink) < 0.05
            x[near] = kink + np.where(x[near] >= kink, 0.1, -0.1)
        arrays.append(x.astype(dtype))
    return arrays if isinstance(case.input_shape, list) else arrays[0]


def _numpy(x):
    return np.asarray(x.value if isinstance(x, Node) else x)


def _joined(x):
    """A layer's output as one array: itself, or (for a list or tuple of outputs, e.g. a cell's
    `(output, states)` or an RNN with `return_state`) its leaves raveled and concatenated."""
    from kcore import ops

    if not tree.is_nested(x):
        return x
    return ops.concatenate([ops.reshape(leaf, (-1,)) for leaf in tree.flatten(x)], axis=0)


def check_layer_gradients(layer, inputs, call_kwargs, rtol, atol, name):
    """The layer's VJPs w.r.t. its float inputs and every trainable weight, against finite differences."""
    float_input = not isinstance(inputs, list) and inputs.dtype == np.float64
    if float_input:
        check_gradients(lambda x: _joined(layer(x, **call_kwargs)), [inputs], rtol=rtol, atol=atol,
                        name=f"{name} (input)")
    weights = layer.trainable_weights
    if not weights:
        return
    out = _numpy(_joined(layer(inputs, **call_kwargs)))
    cotangent = np.random.default_rng(1).standard_normal(out.shape)
    with GradientTape() as tape:
        traced = _joined(layer(inputs, **call_kwargs))
    analytic = tape.gradient(traced, weights, output_gradients=cotangent, unconnected_gradients="zero")
    eps = 1e-6
    for variable, grad in zip(weights, analytic, strict=True):
        numeric = np.zeros(variable.shape)
        for i in np.ndindex(*variable.shape):  # by index: a non-contiguous weight has no flat view to write
            saved = variable.value[i].copy()
            variable.value[i] = saved + eps
            plus = np.sum(cotangent * _numpy(_joined(layer(inputs, **call_kwargs))))
            variable.value[i] = saved - eps
            minus = np.sum(cotangent * _numpy(_joined(layer(inputs, **call_kwargs))))
            variable.value[i] = saved
            numeric[i] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(np.asarray(grad), numeric, rtol=rtol, atol=atol,
                                   err_msg=f"{name}: gradient of weight {variable.path!r} disagrees with "
                                           f"finite differences")


def check_layer_case(case):
    """Build, call, infer shapes, round-trip config and weights, check gradients and the training flag."""
    from kcore.layers import Input
    from kcore.plugins import manager

    cls = manager().get("layer", case.layer)
    name = f"{case.layer}({case.kwargs})"

    # float32 by default, and float64 data is cast rather than upcasting the layer.
    layer32 = cls(**case.kwargs)
    outputs32 = [_numpy(leaf) for leaf in tree.flatten(layer32(make_inputs(case, dtype="float64"),
                                                               **case.call_kwargs))]
    for out32 in outputs32:
        if out32.dtype.kind == "f":
            assert out32.dtype == np.float32, f"{name}: float32 layer returned {out32.dtype}"

    # shape inference on symbolic inputs agrees with what a call returns (for each output of a list of them)
    shapes = case.input_shape if isinstance(case.input_shape, list) else [case.input_shape]
    dtype = "string" if case.strings else "int32" if case.integer_inputs else "float32"
    symbolic = [Input(batch_shape=(None, *s[1:]), dtype=dtype) for s in shapes]
    symbolic_out = cls(**case.kwargs)(symbolic if isinstance(case.input_shape, list) else symbolic[0])
    inferred = [tuple(t.shape) for t in tree.flatten(symbolic_out)]
    expected = [(None, *out32.shape[1:]) for out32 in outputs32]
    assert inferred == expected, (
        f"{name}: shape inference gives {inferred}, a call gives {expected} (batch dimension aside)")

    # float64 layer for the gradient check
    layer = cls(**case.kwargs, dtype="float64")
    inputs = make_inputs(case)
    out = _numpy(_joined(layer(inputs, **case.call_kwargs)))

    # config round trip: same class, same config, same outputs with the same weights
    clone = cls.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config(), f"{name}: config does not round-trip"
    clone(inputs, **case.call_kwargs)
    clone.set_weights(layer.get_weights())
    if case.deterministic_training or not _training(layer, case.call_kwargs):
        np.testing.assert_allclose(_numpy(_joined(clone(inputs, **case.call_kwargs))), out, rtol=1e-12, atol=1e-12,
                                   err_msg=f"{name}: from_config + set_weights does not reproduce the output")

    # inference is deterministic
    if type(layer)._call_takes_training:
        first = _numpy(_joined(layer(inputs, training=False)))
        np.testing.assert_array_equal(first, _numpy(_joined(layer(inputs, training=False))),
                                      err_msg=f"{name}: training=False is not deterministic")

    if case.deterministic_training:
        check_layer_gradients(layer, inputs, case.call_kwargs, case.rtol, case.atol, name)
    else:
        assert _numpy(_joined(layer(inputs, training=True))).shape == out.shape


def _training(layer, call_kwargs):
    """Whether a call with `call_kwargs` runs in training mode: the `training` given, else the default of the
    layer's `call` (the random image layers default to True, as in Keras)."""
    if call_kwargs.get("training") is not None:
        return call_kwargs["training"]
    parameter = inspect.signature(layer.call).parameters.get("training")
    return bool(parameter is not None and parameter.default is True)


def collect_layer_cases(errors=None):
    """Every installed plugin's layer cases, by layer name (loads every plugin). A plugin whose hook fails is
    left out and reported (see `kcore.testing.collection.plugin_cases`)."""
    from kcore.testing.collection import plugin_cases

    cases = {}
    for plugin, case in plugin_cases("kcore_layer_cases", LayerCase, errors):
        cases.setdefault(case.layer, []).append((plugin, case))
    return cases
