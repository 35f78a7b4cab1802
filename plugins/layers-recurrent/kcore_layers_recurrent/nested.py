"""Layers inside layers (an RNN's cell, the layer a wrapper wraps) as Keras 3 configs, and back, through
`kcore.saving`: a config is rebuilt by looking its class up among the installed plugins, the classes registered
with `register_keras_serializable`, and `custom_objects`; nothing that a config names is imported.

Nested configs carry no `build_config`: the outer layer builds its inner layers when it is built.
"""

from kcore.errors import ConfigError
from kcore.saving import deserialize_keras_object, serialize_keras_object


def serialize_layer(layer):
    if not hasattr(layer, "get_config"):
        raise ConfigError(f"{type(layer).__name__} has no get_config(), so a layer holding it cannot be saved as a "
                          f"config. Give it get_config() (and from_config()).")
    config = serialize_keras_object(layer)
    config.pop("build_config", None)
    return config


def deserialize_layer(value, where, dtype=None, custom_objects=None):
    """`value` as a layer: an object is returned as it is; a config dict `{"class_name", "config", ...}` is
    rebuilt, with `dtype` when its config gives none.

    `where` names the argument in error messages, e.g. "RNN 'rnn': `cell`".
    """
    if not isinstance(value, dict):
        return value
    config = value.get("config")
    if dtype is not None and isinstance(config, dict) and config.get("dtype") is None:
        value = {**value, "config": {**config, "dtype": dtype}}
    try:
        return deserialize_keras_object(value, custom_objects=custom_objects)
    except ConfigError as e:
        raise ConfigError(f"{where}: {e}") from e
