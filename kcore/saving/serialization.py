"""Objects to and from Keras 3's config format: `{"module", "class_name", "config", "registered_name"}`.

Deserialising never imports a module or resolves a callable named in the config: a class is found only among
kcore's own model classes, the registry of installed plugins, the classes registered with
`register_keras_serializable`, and the `custom_objects` the caller passes. The `module` a config names is
written for Keras's sake and never read.
"""

import contextvars
import inspect

from kcore.errors import ConfigError, KcoreError, UnknownNameError
from kcore.saving import keras_ops, object_registration

_SAFE_MODE = contextvars.ContextVar("kcore_safe_mode", default=True)  # inherited by nested deserialisation

#: what Keras 3 writes as the "module" of kcore's own classes, so that Keras can load kcore's files
_CORE_MODULES = {"Sequential": "keras", "Functional": "keras.src.models.functional", "Model": "keras",
                 "InputLayer": "keras.layers"}


def _core_classes():
    from kcore.layers.input_layer import InputLayer
    from kcore.layers.op_layer import OpLayer
    from kcore.models import Functional, Model, Sequential

    return {"InputLayer": InputLayer, "OpLayer": OpLayer, "Sequential": Sequential, "Functional": Functional,
            "Model": Model}


def _registry_name(cls):
    """The name under which an installed plugin registers the layer class `cls`, or None."""
    from kcore.plugins import manager

    for name, registered in manager().registry.items("layer"):
        if registered is cls:
            return name
    return None


def _module_and_registered_name(obj):
    cls = type(obj)
    custom = object_registration._GLOBAL_CUSTOM_NAMES.get(cls)
    if custom is not None:
        return cls.__module__, custom
    if _core_classes().get(cls.__name__) is cls:
        return _CORE_MODULES.get(cls.__name__, cls.__module__), "Functional" if cls.__name__ == "Functional" else None
    name = _registry_name(cls)
    if name is not None:
        from kcore.plugins import catalogue

        if catalogue.distribution_for("layer", name) is not None:  # a Keras layer: Keras knows it by name
            return "keras.layers", None
        return cls.__module__, name
    return cls.__module__, cls.__name__


def serialize_keras_object(obj):
    """`obj` (a layer or model) as a JSON-ready dict in Keras 3's format."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if hasattr(obj, "keras_identity"):  # an op on symbolic tensors, in Keras's form for operations
        module, class_name = obj.keras_identity()
        return {"module": module, "class_name": class_name, "config": obj.get_config(),
                "registered_name": class_name}
    module, registered_name = _module_and_registered_name(obj)
    config = {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(),
              "registered_name": registered_name}
    build = obj.get_build_config() if hasattr(obj, "get_build_config") else None
    if build:
        config["build_config"] = build
    return config


def _find_class(class_name, registered_name, custom_objects):
    from kcore.plugins import manager

    for name in (registered_name, class_name):
        found = object_registration.get_registered_object(name, custom_objects) if name else None
        if found is not None:
            return found
    if isinstance(registered_name, str) and ">" in registered_name:
        raise ConfigError(f"Cannot rebuild a {class_name!r}: the file names the custom class {registered_name!r}, "
                          f"which is not registered. Define the class and decorate it with "
                          f"@kcore.saving.register_keras_serializable(package={registered_name.split('>')[0]!r}), "
                          f"or pass custom_objects={{{class_name!r}: {class_name}}} to load_model.")
    core = _core_classes()
    if class_name in core:
        return core[class_name]
    if not isinstance(class_name, str):
        raise ConfigError(f"A serialized object's 'class_name' must be a string; received {class_name!r}.")
    try:
        return manager().get("layer", registered_name if isinstance(registered_name, str) else class_name)
    except UnknownNameError as e:
        raise ConfigError(f"Cannot rebuild a {class_name!r}: no installed plugin provides it, it is not registered "
                          f"with @kcore.saving.register_keras_serializable, and it is not in custom_objects. {e}"
                          ) from e


def _call_from_config(cls, inner, custom_objects, safe_mode):
    if not hasattr(cls, "from_config"):
        return cls(**inner)
    parameters = inspect.signature(cls.from_config).parameters
    kwargs = {}
    if "custom_objects" in parameters:
        kwargs["custom_objects"] = custom_objects
    if "safe_mode" in parameters:
        kwargs["safe_mode"] = safe_mode
    return cls.from_config(inner, **kwargs)


def deserialize_keras_object(config, custom_objects=None, safe_mode=None):
    """Rebuild a layer or model from its `serialize_keras_object` dict.

    A class is looked up by name only (see the module docstring). An error raised by a class while it is rebuilt
    becomes a ConfigError naming the class and the object. `safe_mode` (default True) is handed to every
    `from_config` that takes it, nested objects included.
    """
    if safe_mode is None:
        safe_mode = _SAFE_MODE.get()
    token = _SAFE_MODE.set(bool(safe_mode))
    try:
        return _deserialize(config, custom_objects, bool(safe_mode))
    finally:
        _SAFE_MODE.reset(token)


def _deserialize(config, custom_objects, safe_mode):
    if not isinstance(config, dict) or "class_name" not in config:
        raise ConfigError(f"Expected a serialized object with 'class_name' and 'config'; received {config!r:.200}.")
    class_name = config["class_name"]
    if str(config.get("module", "")).startswith(keras_ops.MODULE_PREFIX):
        from kcore.layers.op_layer import KerasOperation

        return KerasOperation.from_keras_config(config)
    cls = _find_class(class_name, config.get("registered_name"), custom_objects)
    inner = config.get("config", {})
    if not isinstance(inner, dict):
        raise ConfigError(f"The config of a {class_name!r} must be a dict; received {inner!r:.200}.")
    try:
        obj = _call_from_config(cls, inner, custom_objects, safe_mode)
        if config.get("build_config") and hasattr(obj, "build_from_config") and not obj.built:
            obj.build_from_config(config["build_config"])
    except KcoreError:
        raise
    except Exception as e:
        raise ConfigError(f"Cannot rebuild the {class_name} {inner.get('name', '')!r} from its config: "
                          f"{type(e).__name__}: {e}") from e
    return obj
