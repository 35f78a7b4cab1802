"""What makes `kcore.layers`, `kcore.losses`, ... namespaces whose names come from plugins."""

from kcore.plugins.plugin_manager import lookup_attribute, manager


def namespace_getattr(kind, namespace):
    """A module `__getattr__` resolving unknown attributes as components of `kind`."""

    def __getattr__(name):
        return lookup_attribute(kind, name, namespace)

    return __getattr__


def namespace_dir(kind, namespace):
    def __dir__():
        return sorted(set(namespace) | set(manager().declared_names(kind)))

    return __dir__


def make_get(kind):
    """Keras's `get(identifier)`: a name gives the registered component (a class is instantiated with its
    defaults), a callable or instance is returned as it is, and None stays None."""

    def get(identifier):
        if identifier is None or not isinstance(identifier, str):
            return identifier
        component = manager().get(kind, identifier)
        return component() if isinstance(component, type) else component

    get.__doc__ = f"The {kind} named `identifier` (or `identifier` itself when it is already one)."
    return get
