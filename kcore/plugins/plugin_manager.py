"""Finding plugins through package metadata, loading each the first time one of its names is needed."""

import dataclasses
import difflib
import importlib
import importlib.metadata

import pluggy

from kcore.errors import DuplicateNameError, KcoreError, MissingPluginError, PluginError, UnknownNameError
from kcore.plugins import catalogue, hookspecs
from kcore.plugins.registry import Registry

PLUGINS_GROUP = "kcore.plugins"
PROVIDES_GROUP = "kcore.provides"


@dataclasses.dataclass
class PluginRecord:
    """One installed plugin distribution, as its metadata describes it."""

    distribution: str
    version: str
    module: str
    provides: list = dataclasses.field(default_factory=list)  # [(kind, name)]
    state: str = "not loaded"  # then "loaded" or "failed"
    error: Exception | None = None

    @property
    def label(self):
        return f"{self.distribution} {self.version}"


class UnknownAttributeError(UnknownNameError, AttributeError):
    """An unknown name looked up as an attribute (`kcore.layers.Dens`), so `hasattr` still works."""


def _scan_metadata():
    records, providers = {}, {}
    for ep in importlib.metadata.entry_points(group=PLUGINS_GROUP):
        dist = ep.dist.name if ep.dist else ep.name
        records[dist] = PluginRecord(dist, ep.dist.version if ep.dist else "?", ep.value)
    for ep in importlib.metadata.entry_points(group=PROVIDES_GROUP):
        dist = ep.dist.name if ep.dist else "?"
        kind, sep, name = ep.name.partition(":")
        record = records.get(dist)
        if record is None:
            record = records[dist] = PluginRecord(dist, ep.dist.version if ep.dist else "?", ep.value)
            record.state = "failed"
            record.error = PluginError(f"{record.label} declares names in the entry-point group "
                                       f"{PROVIDES_GROUP!r} but has no {PLUGINS_GROUP!r} entry point naming "
                                       f"its plugin module. Add one to its pyproject.toml.")
        if not sep:
            continue  # malformed declaration; `python -m kcore info` shows what was declared
        record.provides.append((kind, name))
        providers.setdefault((kind, name), []).append(dist)
    return records, providers


class PluginManager:
    """kcore's view of the installed plugins: what they declare, what is loaded, what failed and why."""

    def __init__(self):
        self.registry = Registry()
        self._records = None
        self._providers = None
        self._pluggy = None

    # -- metadata (no imports) ------------------------------------------------------------------------

    def records(self):
        if self._records is None:
            self._records, self._providers = _scan_metadata()
        return self._records

    def providers(self, kind, name):
        self.records()
        return self._providers.get((kind, name), [])

    def declared_names(self, kind):
        self.records()
        return sorted(name for (k, name) in self._providers if k == kind)

    # -- loading --------------------------------------------------------------------------------------

    @property
    def hooks(self):
        """The pluggy manager, created with kcore's own ops registered as the built-in plugin 'kcore'."""
        if self._pluggy is None:
            pm = pluggy.PluginManager("kcore")
            pm.add_hookspecs(hookspecs)
            pm.hook.kcore_register.call_historic(kwargs={"registry": self.registry})
            self._pluggy = pm
            from kcore.plugins import builtin

            with self.registry.owned_by("kcore"):
                pm.register(builtin, name="kcore")
        return self._pluggy

    def load(self, distribution):
        """Import and register one plugin distribution; raise PluginError naming it if that fails."""
        record = self.records()[distribution]
        if record.state == "loaded":
            return
        if record.state == "failed":
            raise record.error
        pm = self.hooks
        try:
            module = importlib.import_module(record.module)
        except Exception as e:
            self._fail(record, f"failed to import its module {record.module!r}: {type(e).__name__}: {e}. "
                               f"Reinstall it (pip install --force-reinstall {distribution}) or report it "
                               f"to its authors", e)
        api = getattr(module, "KCORE_PLUGIN_API", None)
        if api != hookspecs.PLUGIN_API_VERSION:
            self._fail(record, f"is built for kcore plugin API {api!r}, and this kcore speaks API "
                               f"{hookspecs.PLUGIN_API_VERSION}. Install a release of {distribution} made for "
                               f"this kcore (pip install -U {distribution}), or set KCORE_PLUGIN_API = "
                               f"{hookspecs.PLUGIN_API_VERSION} in {record.module} if you are its author")
        try:
            with self.registry.owned_by(distribution):
                pm.register(module, name=distribution)
        except Exception as e:
            self.registry.remove_owner(distribution)
            if pm.is_registered(module):
                pm.unregister(module)
            self._fail(record, f"raised while registering its components: {type(e).__name__}: {e}", e)
        record.state = "loaded"
        from kcore import backend

        backend.bind_kernels(self)

    def _fail(self, record, reason, cause=None):
        record.state = "failed"
        record.error = PluginError(f"The kcore plugin {record.label} {reason.rstrip('.')}. Other plugins keep "
                                   f"working.")
        raise record.error from cause

    def load_all(self):
        """Load every installed plugin; return the errors of those that failed (without raising)."""
        errors = []
        for distribution in self.records():
            try:
                self.load(distribution)
            except PluginError as e:
                errors.append(e)
        return errors

    def load_providers(self, kind, prefix="", errors=None):
        """Load every plugin that declares a name of `kind` starting with `prefix`. Without `errors` the first
        plugin that fails raises; with `errors` (a list) each failure is appended there and the others still load."""
        self.records()
        for (k, name), dists in list(self._providers.items()):
            if k == kind and name.startswith(prefix):
                for dist in dists:
                    try:
                        self.load(dist)
                    except PluginError as e:
                        if errors is None:
                            raise
                        if all(e is not seen for seen in errors):
                            errors.append(e)

    # -- lookup ---------------------------------------------------------------------------------------

    def get(self, kind, name, error=UnknownNameError):
        """The component `name` of `kind`, loading the plugin that provides it on first use."""
        providers = self.providers(kind, name)
        if len(providers) > 1:  # checked first: once one of them is loaded, the registry alone would not see it
            labels = " and ".join(sorted(self.records()[d].label for d in providers))
            raise DuplicateNameError(f"Two installed plugins provide the {kind} {name!r}: {labels}. "
                                     f"Uninstall one of them (pip uninstall <name>).")
        obj = self.registry.find(kind, name) if self._pluggy is not None else None
        if obj is not None:
            return obj
        if kind == "op":
            obj = self.hooks and self.registry.find(kind, name)
            if obj is not None:
                return obj
        if providers:
            self.load(providers[0])
            obj = self.registry.find(kind, name)
            if obj is None:
                raise PluginError(f"{self.records()[providers[0]].label} declares the {kind} {name!r} in its "
                                  f"entry points but did not register it. Its kcore_register hook must call "
                                  f"registry.add({kind!r}, {name!r}, ...).")
            return obj
        distribution = catalogue.distribution_for(kind, name)
        if distribution is not None:
            raise MissingPluginError(f"The {kind} {name!r} is provided by the distribution {distribution}, "
                                     f"which is not installed. Install it: pip install {distribution}")
        raise error(self._unknown_message(kind, name))

    def _unknown_message(self, kind, name):
        known = set(self.declared_names(kind)) | set(catalogue.names(kind))
        if self._pluggy is not None:
            known |= set(self.registry.names(kind))
        hint = [k for k in known if k.lower() == str(name).lower()]
        hint = hint or difflib.get_close_matches(str(name), sorted(known), n=3, cutoff=0.6)
        message = f"Unknown {kind} {name!r}."
        if hint:
            message += f" Did you mean {' or '.join(repr(h) for h in hint)}?"
        installed = self.declared_names(kind)
        if installed and len(installed) <= 40:
            message += f" Installed {kind}s: {', '.join(installed)}."
        return message + " A third-party plugin that provides it must be installed for kcore to find it."

    def call_each(self, hook_name, errors=None, **kwargs):
        """Call a hook on every loaded plugin separately: `[(distribution, answer)]`.

        A plugin that raises is named in a PluginError. Without `errors` the first one raises; with `errors` (a
        list) each is appended there and skipped, so that every other plugin's answer still comes back.
        """
        self.load_all()
        results = []
        for impl in getattr(self.hooks.hook, hook_name).get_hookimpls():
            try:
                results.append((impl.plugin_name, impl.function(**kwargs)))
            except Exception as e:
                if errors is None and isinstance(e, KcoreError):
                    raise
                error = PluginError(f"The kcore plugin {self._label(impl.plugin_name)} raised in its {hook_name} "
                                    f"hook: {type(e).__name__}: {e}")
                if errors is None:
                    raise error from e
                error.__cause__ = e
                errors.append(error)
        return results

    def _label(self, distribution):
        record = self.records().get(distribution)
        return record.label if record is not None else distribution


_manager = None
_cached = []  # (namespace dict, name) pairs that lookup_attribute filled in


def manager():
    """The process-wide plugin manager."""
    global _manager
    if _manager is None:
        _manager = PluginManager()
    return _manager


def reset():
    """Forget every loaded plugin and re-read the metadata on next use (for tests and plugin authors).

    The active backend and the kernels bound to ops came from plugins, so they are forgotten too: the next op
    activates the configured backend through the fresh manager.
    """
    global _manager
    previous, _manager = _manager, None
    for namespace, name in _cached:
        namespace.pop(name, None)
    _cached.clear()
    from kcore import backend  # cheap: imports no plugin and not NumPy

    backend.reset(previous)
    importlib.invalidate_caches()
    # Before Python 3.12, importlib.invalidate_caches() leaves importlib.metadata's cache of directory listings
    # alone; it is keyed by the folder's mtime, which does not change within one clock tick.
    fast_path = getattr(importlib.metadata, "FastPath", None)
    cache_clear = getattr(getattr(fast_path, "__new__", None), "cache_clear", None)
    if cache_clear is not None:
        cache_clear()


def lookup_attribute(kind, name, namespace):
    """A namespace module's `__getattr__`: resolve `name` through the registry and cache it there."""
    if name.startswith("_"):
        raise AttributeError(name)
    obj = manager().get(kind, name, error=UnknownAttributeError)
    namespace[name] = obj
    _cached.append((namespace, name))
    return obj

