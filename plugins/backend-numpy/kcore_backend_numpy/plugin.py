"""kcore's entry point into this distribution: registers the backend factory."""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


@hookimpl
def kcore_register(registry):
    from kcore_backend_numpy.backend import NumpyBackend

    registry.add("backend", "numpy", NumpyBackend)
