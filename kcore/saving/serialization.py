"""Objects to and from Keras 3's config format: `{"module", "class_name", "config", "registered_name"}`.

Deserialising never imports a module or resolves a callable named in the config: a class is found only among
kcore's own model classes, the registry of installed plugins, and the `custom_objects` the caller passes.
"""

from kcore.errors import ConfigError, UnknownNameError


def _core_classes():
    from kcore.layers.input_layer import InputLayer
    from kcore.layers.op_layer import OpLayer
    from kcore.models import Functional, Model, Sequential

    return {"InputLayer": InputLayer, "OpLayer": OpLayer, "Sequential": Sequential, "Functional": Functional,
            "Model": Model}


def _registered_name(obj):
    from kcore.plugins import manager

    registry = manager().registry
    for name, cls in registry.items("layer"):
        if cls is type(obj):
            return name
    return None


def serialize_keras_object(obj):
    """`obj` (a layer or model) as a JSON-ready dict in Keras 3's format."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    config = {"module": type(obj).__module__, "class_name": type(obj).__name__, "config": obj.get_config(),
              "registered_name": _registered_name(obj) or type(obj).__name__}
    build = obj.get_build_config() if hasattr(obj, "get_build_config") else None
    if build:
        config["build_config"] = build
    return config


def _find_class(class_name, registered_name, custom_objects):
    from kcore.plugins import manager

    for name in (registered_name, class_name):
        if name and name in (custom_objects or {}):
            return custom_objects[name]
    core = _core_classes()
    if class_name in core:
        return core[class_name]
    try:
        return manager().get("layer", registered_name or class_name)
    except UnknownNameError as e:
        raise ConfigError(f"Cannot rebuild a {class_name!r}: no installed plugin provides it, and it is not in "
                          f"custom_objects. {e}") from e


def deserialize_keras_object(config, custom_objects=None):
    """Rebuild a layer or model from its `serialize_keras_object` dict (or a bare class name)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ConfigError(f"Expected a serialized object with 'class_name' and 'config'; received {config!r:.200}.")
    cls = _find_class(config["class_name"], config.get("registered_name"), custom_objects)
    inner = config.get("config", {})
    if hasattr(cls, "from_config"):
        import inspect

        takes_custom = "custom_objects" in inspect.signature(cls.from_config).parameters
        obj = cls.from_config(inner, custom_objects=custom_objects) if takes_custom else cls.from_config(inner)
    else:
        obj = cls(**inner)
    if config.get("build_config") and hasattr(obj, "build_from_config") and not obj.built:
        obj.build_from_config(config["build_config"])
    return obj
