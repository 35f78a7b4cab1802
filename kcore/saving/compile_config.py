"""The `compile_config` of a saved model: the optimizer, losses and metrics, in Keras 3's format.

An optimizer, loss or metric object is saved as `{"module", "class_name", "config", "registered_name"}` (module
`keras.optimizers`, `keras.losses`, `keras.metrics` for the ones Keras has); a function as Keras saves one,
`{"class_name": "function", "config": <name>}`; names ("adam", "mse") as they are. Loading resolves every one of
them by name through the registry, the registered custom objects and `custom_objects`, as configs of layers.
"""

from kcore.errors import ConfigError, KcoreError, UnknownNameError
from kcore.saving import object_registration

_MODULES = {"optimizer": "keras.optimizers", "loss": "keras.losses", "metric": "keras.metrics"}
_KEYS = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics")


def _is_first_party(kind, name):
    from kcore.plugins import catalogue

    return catalogue.distribution_for(kind, name) is not None


def _serialize(value, kind):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_serialize(v, kind) for v in value]
    if isinstance(value, dict):
        return {k: _serialize(v, kind) for k, v in value.items()}
    names = object_registration._GLOBAL_CUSTOM_NAMES
    if hasattr(value, "get_config"):
        name, custom = type(value).__name__, names.get(type(value))
        keras = custom is None and _is_first_party(kind, name)
        return {"module": _MODULES[kind] if keras else type(value).__module__, "class_name": name,
                "config": value.get_config(), "registered_name": None if keras else custom or name}
    if callable(value):
        custom = names.get(value)
        name = custom or getattr(value, "__name__", None)
        keras = custom is None and _is_first_party(kind, name)
        return {"module": _MODULES[kind] if keras else getattr(value, "__module__", None), "class_name": "function",
                "config": name, "registered_name": None if keras else name}
    raise ConfigError(f"Cannot save the compile argument {value!r} ({kind}): use a name, a registered function, or "
                      f"an object with get_config().")


def serialize_compile_config(model):
    """The model's compile arguments as JSON-ready values, or None if it is not compiled."""
    if not getattr(model, "compiled", False) or model._compile_config is None:
        return None
    raw = model._compile_config
    return {"optimizer": _serialize(model.optimizer, "optimizer"), "loss": _serialize(raw["loss"], "loss"),
            "loss_weights": _serialize(raw["loss_weights"], "loss"), "metrics": _serialize(raw["metrics"], "metric"),
            "weighted_metrics": _serialize(raw["weighted_metrics"], "metric"), "run_eagerly": False,
            "steps_per_execution": 1, "jit_compile": False}


def _is_object(value):
    return isinstance(value, dict) and "class_name" in value and "config" in value


def _deserialize(value, kind, custom_objects):
    from kcore.plugins import manager

    if isinstance(value, list):
        return [_deserialize(v, kind, custom_objects) for v in value]
    if isinstance(value, dict) and not _is_object(value):
        return {k: _deserialize(v, kind, custom_objects) for k, v in value.items()}
    if not _is_object(value):
        return value
    class_name, config, registered = value["class_name"], value["config"], value.get("registered_name")
    if class_name == "function":
        for name in (registered, config):
            found = object_registration.get_registered_object(name, custom_objects) if isinstance(name, str) else None
            if found is not None:
                return found
        if not isinstance(config, str):
            raise ConfigError(f"compile_config: a {kind} function must be saved by name; received {value!r:.200}.")
        return config  # a registered name, resolved by compile() through the registry
    cls = None
    for name in (registered, class_name):
        cls = cls or (object_registration.get_registered_object(name, custom_objects) if name else None)
    if cls is None:
        if not isinstance(class_name, str) or ">" in str(registered or ""):
            raise ConfigError(f"compile_config: the {kind} {registered or class_name!r} is not registered; register "
                              f"it with @kcore.saving.register_keras_serializable or pass it in custom_objects.")
        cls = manager().get(kind, class_name)
    if not isinstance(config, dict):
        raise ConfigError(f"compile_config: the config of the {kind} {class_name!r} must be a dict.")
    return cls.from_config(config) if hasattr(cls, "from_config") else cls(**config)


def compile_from_config(model, compile_config, custom_objects=None):
    """Compile `model` as the saved `compile_config` says, then build its optimizer for its trainable variables
    (so that a saved optimizer state can be loaded into it)."""
    if not isinstance(compile_config, dict):
        raise ConfigError(f"compile_config must be a dict; received {compile_config!r:.200}.")
    kinds = {"optimizer": "optimizer", "loss": "loss", "loss_weights": "loss", "metrics": "metric",
             "weighted_metrics": "metric"}
    try:
        arguments = {key: _deserialize(compile_config.get(key), kinds[key], custom_objects) for key in _KEYS}
        if arguments["optimizer"] is None:
            arguments["optimizer"] = "rmsprop"
        model.compile(**arguments)
    except UnknownNameError as e:
        raise ConfigError(f"The loaded model cannot be compiled as saved: {e} Pass compile=False to load it without "
                          f"its training configuration.") from e
    except KcoreError as e:
        raise type(e)(f"{e} (while compiling the loaded model; pass compile=False to load it without its "
                      f"training configuration)") from e
    except Exception as e:
        raise ConfigError(f"The loaded model cannot be compiled as saved: {type(e).__name__}: {e}. Pass "
                          f"compile=False to load it without its training configuration.") from e
    if model.built:
        model.optimizer.build(model.trainable_variables)
