"""kcore's entry point into this distribution: registers the backend factory and its kernels.

Importing this module does not import CuPy: that happens when the backend is selected (`CupyBackend()`), so
`python -m kcore info`, the plugin-declaration checks and every other backend work on machines without a GPU.
"""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


@hookimpl
def kcore_register(registry):
    from kcore_backend_cupy.backend import CupyBackend
    from kcore_backend_cupy.kernels import KERNELS

    registry.add("backend", "cupy", CupyBackend)
    for op_name, kernel in KERNELS.items():
        registry.add("kernel", f"cupy.{op_name}", kernel)
