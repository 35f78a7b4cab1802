"""Activations, initializers, regularizers and constraints as config values, and back, in Keras 3's format.

An activation is saved as its name (`"relu"`). An initializer, regularizer or constraint is saved as Keras 3
saves it: `{"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": None},
"registered_name": None}`, so that configs read the same in both libraries. Reading back resolves a name or a
`class_name` through kcore's registry: nothing in a config is imported or executed.

Example:
    >>> serialize(resolve("initializer", "glorot_uniform", "Dense: `kernel_initializer`"), "initializer")
    {'module': 'keras.initializers', 'class_name': 'GlorotUniform', 'config': {'seed': None}, 'registered_name': None}
"""

from kcore.errors import ConfigError, UnknownNameError

_MODULES = {"initializer": "keras.initializers", "regularizer": "keras.regularizers",
            "constraint": "keras.constraints", "activation": "keras.activations"}


def _lookup(kind, name, where):
    from kcore.plugins import manager

    try:
        return manager().get(kind, name)
    except UnknownNameError as e:
        raise ConfigError(f"{where}: {e}") from e


def resolve(kind, identifier, where):
    """`identifier` (None, a registered name, a Keras config dict, or the object itself) as an object of `kind`.

    `where` names the layer and argument for error messages, e.g. "Dense 'dense': `kernel_initializer`".
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        component = _lookup(kind, identifier, where)
        return component() if isinstance(component, type) else component
    if isinstance(identifier, dict):
        name, config = identifier.get("class_name"), identifier.get("config") or {}
        if name == "function" and isinstance(config, str):  # how Keras saves a function: by its name
            return _lookup(kind, config, where)
        if not isinstance(name, str) or not isinstance(config, dict):
            raise ConfigError(f"{where}: a config dict needs a 'class_name' string and a 'config' dict. "
                              f"Received: {identifier!r}")
        component = _lookup(kind, name, where)
        if hasattr(component, "from_config"):
            return component.from_config(config)
        return component(**config) if isinstance(component, type) else component
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ConfigError(f"{where}: expected a {kind} name, a config dict or a callable. Received: {identifier!r}")


def activation(identifier, where):
    """The activation function for `identifier`; None means linear, as in Keras."""
    if identifier is None:
        from kcore_layers_core.activations import linear

        return linear
    return resolve("activation", identifier, where)


def serialize(obj, kind):
    """`obj` as a JSON-ready config value: None, a name, or Keras 3's `{"module", "class_name", ...}` dict."""
    if obj is None:
        return None
    if kind == "activation" or not hasattr(obj, "get_config"):
        return getattr(obj, "__name__", type(obj).__name__)
    return {"module": _MODULES[kind], "class_name": type(obj).__name__, "config": obj.get_config(),
            "registered_name": None}
