"""Custom classes and functions that configs may name: registered by the code that defines them.

A saved config names a custom class by its registered name, `"package>Name"`. Loading finds it here (or in the
`custom_objects` the caller passes), never by importing the module the file names: the class must have been
defined, and registered, by code the user ran.

Example:
    >>> @register_keras_serializable(package="my_project")
    ... class Scale(kcore.Layer):
    ...     def call(self, x):
    ...         return x * 2
    >>> get_registered_name(Scale)
    'my_project>Scale'
"""

import inspect

from kcore.errors import ConfigError

_GLOBAL_CUSTOM_OBJECTS = {}  # "package>Name" -> class or function
_GLOBAL_CUSTOM_NAMES = {}  # class or function -> "package>Name"


def register_keras_serializable(package="Custom", name=None):
    """Decorator: register a class (with `get_config`) or a function under `"package>name"` for loading.

    Args:
        package: a namespace for the name (the config stores `"package>name"`); it may not contain '>'.
        name: the name within the package; defaults to the class's or function's `__name__`.
    """
    if not isinstance(package, str) or ">" in package:
        raise ConfigError(f"register_keras_serializable: `package` must be a string without '>'. "
                          f"Received: package={package!r}")

    def decorator(obj):
        own_name = name if name is not None else getattr(obj, "__name__", None)
        if not isinstance(own_name, str) or not own_name:
            raise ConfigError(f"register_keras_serializable: cannot name {obj!r}; pass name='...'.")
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ConfigError(f"register_keras_serializable: the class {obj.__name__} has no get_config() method, "
                              f"so it cannot be saved. Subclass kcore.Layer (or kcore.Model), or write get_config.")
        registered_name = f"{package}>{own_name}"
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered_name
        return obj

    return decorator


register_serializable = register_keras_serializable


def get_registered_name(obj):
    """`"package>Name"` for a registered class or function; otherwise its `__name__`."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", None))


def get_registered_object(name, custom_objects=None):
    """The class or function registered (or passed in `custom_objects`) under `name`, or None."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return _GLOBAL_CUSTOM_OBJECTS.get(name)


def get_custom_objects():
    """The registered objects, by registered name (a live dict, as in Keras)."""
    return _GLOBAL_CUSTOM_OBJECTS
