"""kcore's plugin system: the hookspecs (the contract), the registry, and the manager that loads plugins lazily.

A plugin module marks its hook implementations with `hookimpl`:

    from kcore.plugins import hookimpl

    KCORE_PLUGIN_API = 1

    @hookimpl
    def kcore_register(registry):
        registry.add("loss", "my_loss", my_loss)
"""

import pluggy

from kcore.plugins.hookspecs import PLUGIN_API_VERSION
from kcore.plugins.plugin_manager import manager, reset

hookimpl = pluggy.HookimplMarker("kcore")

__all__ = ["PLUGIN_API_VERSION", "hookimpl", "manager", "reset"]
