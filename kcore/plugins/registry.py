"""Named components by kind: what `kcore.layers.Conv2D` or `loss="mse"` resolves through."""

import contextlib
import warnings

from kcore.errors import DuplicateNameError, KcoreError

KINDS = ("backend", "layer", "loss", "optimizer", "metric", "callback", "activation", "initializer",
         "regularizer", "constraint", "schedule", "dataset", "op", "kernel", "distribution")


class Registry:
    """Components by kind and name, each remembered with the distribution that registered it.

    Example:
        >>> registry = Registry()
        >>> registry.add("loss", "mse", lambda y_true, y_pred: ((y_true - y_pred) ** 2).mean())
        >>> registry.owner_of("loss", "mse")
        'kcore'
    """

    def __init__(self):
        self._entries = {kind: {} for kind in KINDS}
        self._owners = {}
        self._conflicts = {}
        self._current_owner = "kcore"

    @contextlib.contextmanager
    def owned_by(self, distribution):
        """Attribute every `add` inside the block to `distribution`."""
        previous, self._current_owner = self._current_owner, distribution
        try:
            yield self
        finally:
            self._current_owner = previous

    def add(self, kind, name, obj):
        if kind not in self._entries:
            raise KcoreError(f"{self._current_owner} registers {name!r} under the unknown kind {kind!r}. "
                             f"Known kinds: {', '.join(KINDS)}.")
        problem = _malformed(kind, name, obj)
        if problem is not None:
            raise KcoreError(f"{self._current_owner} registers the {kind} {name!r} as {obj!r:.100}, {problem}.")
        key = (kind, name)
        owner = self._owners.get(key)
        if owner is not None and owner != self._current_owner:
            self._conflicts.setdefault(key, {owner}).add(self._current_owner)
            warnings.warn(f"Both {owner} and {self._current_owner} provide the {kind} {name!r}; looking it up "
                          f"will fail until one of them is uninstalled.", stacklevel=2)
            return
        self._entries[kind][name] = obj
        self._owners[key] = self._current_owner

    def remove_owner(self, distribution):
        """Forget everything `distribution` added (used when its registration fails half-way)."""
        for (kind, name), owner in list(self._owners.items()):
            if owner == distribution:
                del self._owners[kind, name]
                del self._entries[kind][name]

    def find(self, kind, name):
        """The component, or None when nothing of that name is registered. Raises on a conflict."""
        if (kind, name) in self._conflicts:
            owners = " and ".join(sorted(self._conflicts[kind, name]))
            raise DuplicateNameError(f"Two installed plugins provide the {kind} {name!r}: {owners}. "
                                     f"Uninstall one of them (pip uninstall <name>).")
        return self._entries[kind].get(name)

    def owner_of(self, kind, name):
        return self._owners.get((kind, name))

    def names(self, kind):
        return sorted(self._entries[kind])

    def items(self, kind):
        return sorted(self._entries[kind].items())


def _malformed(kind, name, obj):
    """Why `obj` cannot be the `kind` named `name`, or None. Checked for what kcore wires in or calls by itself:
    ops and kernels are bound to the active backend whenever any plugin loads (one malformed op would break every
    plugin loaded after it), and backend factories are called by `kcore.backend.activate`."""
    if kind == "op":
        from kcore.ops.op import Op

        if not isinstance(obj, Op):
            return "which is not a kcore op: make it with the @kcore.ops.op decorator"
    if kind == "kernel":
        backend, dot, op = str(name).partition(".")
        if not (dot and backend and op):
            return "but a kernel's name must be '<backend>.<op>', e.g. 'numpy.exp'"
    if kind in ("kernel", "backend") and not callable(obj):
        return "which is not callable"
    return None
