"""Keras's legacy HDF5 files, read: `model.save("model.h5")` and `model.save_weights("weights.h5")` of Keras 2
(tf.keras), which Keras 3 still writes when asked for a `.h5` name.

A whole-model file holds the architecture as JSON in the `model_config` attribute, the compile arguments in
`training_config`, and the weights under `model_weights`; a weights-only file holds the weights at its root. The
weights are filed layer by layer: the file's `layer_names` attribute lists the layers in order, and each layer's
group lists its `weight_names` in the layer's own order (trainable weights, then the others).

Keras 2's configs differ from Keras 3's in a few ways, which `keras3_config` rewrites: a functional model is a
"Model" whose calls (`inbound_nodes`) are lists of `[layer, node, tensor, kwargs]`, a model's input shape is a
layer's `batch_input_shape`, and some layers carry arguments Keras 3 dropped. The optimizer's state is not read
(its layout changed with Keras 2.11's optimizers); a compiled model starts with a fresh optimizer.
"""

import json
import warnings

import numpy as np

from kcore.errors import ConfigError, KcoreError
from kcore.saving import keras_ops
from kcore.saving.errors import CorruptFileError

#: Keras 2 arguments that Keras 3 dropped, with the value that keeps Keras 3's behaviour
_DROPPED = {"time_major": False, "implementation": None}
_NO_GROUPS = ("SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D", "Conv1DTranspose",
              "Conv2DTranspose", "Conv3DTranspose")


def _attr(attrs, key):
    value = attrs.get(key)
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return value


def _names(attrs, key):
    return [n.decode("utf-8") if isinstance(n, bytes) else str(n) for n in attrs.get(key, [])]


def load_model(path, custom_objects=None, compile=True, safe_mode=True):
    """The model in the legacy HDF5 file `path`, with its weights (and compiled, if it was)."""
    import h5py

    from kcore.saving import compile_config, config_checks, serialization

    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise CorruptFileError(f"load_model({path!r}): not a readable HDF5 file ({e}).") from None
    with f:
        text = _attr(f.attrs, "model_config")
        if text is None:
            raise ConfigError(f"load_model({path!r}): the file holds weights only (no model_config). Build the "
                              f"model in code and call model.load_weights({path!r}).")
        try:
            config = keras3_config(json.loads(text))
        except (ValueError, TypeError, KeyError) as e:
            raise CorruptFileError(f"load_model({path!r}): its model_config cannot be read: {e}") from None
        config_checks.refuse_code(config, safe_mode, path)
        config_checks.drop_keras_defaults(config)
        try:
            with warnings.catch_warnings():  # Keras 2's spellings (alpha=, input_length=) are the file's
                warnings.simplefilter("ignore", DeprecationWarning)
                model = serialization.deserialize_keras_object(config, custom_objects, safe_mode)
        except KcoreError:
            raise
        except Exception as e:
            raise CorruptFileError(f"load_model({path!r}): the model in the file cannot be rebuilt: "
                                   f"{type(e).__name__}: {str(e)[:300]}.") from e
        assign_weights(model, f.get("model_weights", f), path)
        training = _attr(f.attrs, "training_config")
    if compile and training:
        _compile(model, json.loads(training), custom_objects, path, compile_config)
    return model


def _compile(model, training, custom_objects, path, compile_config):
    metrics, weighted = (_metrics(training.get(key), model) for key in ("metrics", "weighted_metrics"))
    saved = {"optimizer": training.get("optimizer_config"), "loss": training.get("loss"),
             "loss_weights": training.get("loss_weights"), "metrics": metrics, "weighted_metrics": weighted}
    optimizer = saved["optimizer"]
    if isinstance(optimizer, dict) and isinstance(optimizer.get("config"), dict):
        # Keras 2.11+ files its optimizers as "Custom>Adam", with arguments Keras 3 dropped
        optimizer["class_name"] = str(optimizer.get("class_name", "")).removeprefix("Custom>")
        inner = optimizer["config"]
        for key in ("decay", "is_legacy_optimizer", "jit_compile"):
            if inner.get(key) in (0, 0.0, False, None):
                inner.pop(key, None)
    try:
        compile_config.compile_from_config(model, saved, custom_objects)
    except KcoreError as e:
        warnings.warn(f"load_model({path!r}): the model was rebuilt with its weights but not compiled, because its "
                      f"saved compile arguments cannot be used here ({e}). Call model.compile(...) before "
                      f"training.", stacklevel=3)


def _metrics(metrics, model):
    """Keras 2's metrics: one list per output, each metric named through a MeanMetricWrapper of a function."""
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list) and len(model.outputs) == 1:
        metrics = metrics[0]
    if isinstance(metrics, list):
        return [_metrics(m, model) for m in metrics]
    if isinstance(metrics, dict) and metrics.get("class_name") == "MeanMetricWrapper":
        inner = metrics.get("config", {})
        return inner.get("name") if inner.get("name") in ("accuracy", "acc", "crossentropy", "ce") else inner.get("fn")
    return metrics


def load_weights(model, path, skip_mismatch=False):
    """Set the weights of the built `model` from the legacy HDF5 file `path` (whole model or weights only)."""
    import h5py

    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise CorruptFileError(f"load_weights({path!r}): not a readable HDF5 file ({e}).") from None
    with f:
        assign_weights(model, f.get("model_weights", f), path, skip_mismatch)


def _weights_in_legacy_order(layer):
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def assign_weights(model, group, path, skip_mismatch=False):
    """Match the file's layers that have weights with the model's, in order, and set them; nothing is changed
    unless every count and shape fits (or `skip_mismatch` skips the layers that do not)."""
    if "layer_names" not in group.attrs:
        raise CorruptFileError(f"{path}: no 'layer_names' attribute: not a Keras HDF5 weights file.")
    saved = []
    for name in _names(group.attrs, "layer_names"):
        layer_group = group[name]
        weight_names = _names(layer_group.attrs, "weight_names")
        if weight_names:
            saved.append((name, [np.asarray(layer_group[w]) for w in weight_names]))
    layers = [layer for layer in model.layers if _weights_in_legacy_order(layer)]
    if len(saved) != len(layers):
        raise ConfigError(f"{path}: the file has weights for {len(saved)} layers ({[n for n, _ in saved]}), the "
                          f"model has {len(layers)} layers with weights ({[layer.name for layer in layers]}). "
                          f"Build the model as it was saved.")
    plan = []
    for (name, values), layer in zip(saved, layers, strict=True):
        variables = _weights_in_legacy_order(layer)
        problem = None
        if len(values) != len(variables):
            problem = f"{len(values)} weights in the file, {len(variables)} in the layer"
        else:
            shapes = [(tuple(v.shape), tuple(x.shape)) for v, x in zip(variables, values, strict=True)]
            if any(a != b for a, b in shapes):
                problem = f"shapes {[b for _, b in shapes]} in the file, {[a for a, _ in shapes]} in the layer"
        if problem is None:
            plan += zip(variables, values, strict=True)
        elif skip_mismatch:
            warnings.warn(f"{path}: skipped layer {layer.name!r} (file layer {name!r}): {problem}.", stacklevel=3)
        else:
            raise ConfigError(f"{path}: layer {layer.name!r} does not fit the file's layer {name!r}: {problem}.")
    for variable, value in plan:
        variable.assign(value.astype(variable.dtype, copy=False))


def keras3_config(config):
    """A Keras 2 model config (class_name and config) rewritten in Keras 3's form, in place where it can be;
    a Keras 3 config comes back as it was."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ConfigError("model_config is not a serialized model (no 'class_name').")
    config.setdefault("module", "keras.models" if config["class_name"] in ("Sequential", "Model", "Functional")
                      else "keras.layers")
    if config["class_name"] == "Model":
        config["class_name"] = "Functional"
    inner = config.get("config")
    if config["class_name"] == "Sequential":
        config["config"] = inner = {"layers": inner} if isinstance(inner, list) else inner
        inner["layers"] = _sequential_layers(inner.get("layers", []))
    elif config["class_name"] == "Functional":
        # Keras 2 counts a nested model's calls after the call its own Input made: its first call here is node 1
        offset = {layer.get("name", layer.get("config", {}).get("name")) for layer in inner.get("layers", [])
                  if _has_own_input(layer)}
        for layer in inner.get("layers", []):
            keras2_nodes = any(isinstance(node, list) for node in layer.get("inbound_nodes", []))
            layer["inbound_nodes"] = [_node(node, offset) for node in layer.get("inbound_nodes", [])]
            if layer.get("class_name") in ("Sequential", "Model", "Functional"):
                keras3_config(layer)
            else:
                _layer(layer)
            if keras2_nodes:
                for key in ("input_layers", "output_layers"):
                    inner[key] = _shift(inner.get(key), offset)
    else:
        _layer(config)
    return config


def _sequential_layers(layers):
    layers = [keras3_config(layer) if layer.get("class_name") in ("Sequential", "Model", "Functional")
              else _layer(layer) for layer in layers]
    first = layers[0] if layers else None
    shape = first.get("config", {}).pop("batch_input_shape", None) if first else None
    if shape is not None and first.get("class_name") != "InputLayer":
        dtype = first["config"].get("dtype")
        layers.insert(0, {"module": "keras.layers", "class_name": "InputLayer",
                          "config": {"batch_shape": shape, "dtype": dtype if isinstance(dtype, str) else None,
                                     "name": f"{first['config'].get('name', 'layer')}_input"}})
    for layer in layers[1:]:
        layer.get("config", {}).pop("batch_input_shape", None)
    return layers


def _layer(layer):
    """One layer's config: a module for Keras's own classes, InputLayer's shape, the dropped arguments."""
    inner = layer.get("config")
    if "module" not in layer and isinstance(inner, dict) and "trainable" not in inner:
        # an operation (`x + y`, `ops.sum` on symbolic tensors): its config has no layer arguments
        module = keras_ops.module_of_class(layer.get("class_name"))
        if module is not None:
            layer["module"] = module
            return layer
    layer.setdefault("module", "keras.layers")
    if not isinstance(inner, dict):
        return layer
    if layer.get("class_name") == "InputLayer" and "batch_input_shape" in inner:
        inner["batch_shape"] = inner.pop("batch_input_shape")
    if layer.get("class_name") != "InputLayer" and "batch_input_shape" in inner and "inbound_nodes" in layer:
        inner.pop("batch_input_shape")  # a functional model has its InputLayer already
    for key, keep in _DROPPED.items():
        if key in inner and (keep is None or inner[key] == keep):
            del inner[key]
    if layer.get("class_name") in ("SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D"):
        # Keras 2 also filed the plain kernel's arguments, which these layers never used
        for key in ("kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            inner.pop(key, None)
    if layer.get("class_name") in _NO_GROUPS and inner.get("groups") == 1:
        del inner["groups"]  # Keras 2 filed the base class's `groups` for layers that have none
    if layer.get("class_name") == "BatchNormalization" and isinstance(inner.get("axis"), list) \
            and len(inner["axis"]) == 1:
        inner["axis"] = inner["axis"][0]
    for key in ("layer", "backward_layer", "cell"):  # wrappers and RNNs hold layers of their own
        if isinstance(inner.get(key), dict):
            _layer(inner[key])
    return layer


def _has_own_input(layer):
    if layer.get("class_name") in ("Model", "Functional"):
        return True
    layers = layer.get("config", {}).get("layers") if layer.get("class_name") == "Sequential" else None
    return bool(layers) and (layers[0].get("class_name") == "InputLayer"
                             or "batch_input_shape" in layers[0].get("config", {}))


def _shift(refs, offset):
    """`[layer, node, tensor]` references (nested in lists) with the node of an `offset` layer counted from 0."""
    if isinstance(refs, list) and len(refs) == 3 and isinstance(refs[0], str):
        return [refs[0], refs[1] - 1 if refs[0] in offset and refs[1] > 0 else refs[1], refs[2]]
    return [_shift(r, offset) for r in refs] if isinstance(refs, list) else refs


def _node(node, offset=()):
    """A call in Keras 3's form: `{"args": [...], "kwargs": {...}}` from Keras 2's `[[layer, node, tensor, kwargs],
    ...]` (one entry per input tensor)."""
    if isinstance(node, dict):
        return node
    tensors = [{"class_name": "__keras_tensor__", "config": {"keras_history": _shift(list(entry[:3]), offset)}}
               for entry in node]
    kwargs = node[0][3] if node and len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
    return {"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": kwargs}
