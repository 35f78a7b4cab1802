"""The backend contract, and which backend is active.

A backend plugin registers a factory under the kind "backend" that returns a `Backend`: an array namespace
(`xp`: NumPy, CuPy, or anything with NumPy's API) plus device, conversion and random-number services. Ops are
written once against `xp`, Chainer-style, so a new backend inherits every op; it may replace any op with a
faster kernel (registry kind "kernel", named "<backend>.<op>").

Example:
    >>> from kcore import backend
    >>> backend.backend()
    'numpy'
"""

import warnings

from kcore import config
from kcore.config import epsilon, floatx, image_data_format
from kcore.errors import BackendError, KcoreError, UnknownNameError


class Backend:
    """What a backend provides. Subclass it, set `name` and `xp`, and override what differs from NumPy."""

    name = None
    xp = None  # the array namespace every op is written against
    #: elements per block for multi-pass elementwise updates (an optimizer's step runs all its passes over one
    #: cache-sized block before the next); None: whole arrays, as on a GPU, where each pass is one kernel
    elementwise_block = None

    def device(self):
        """A short description of where arrays live, e.g. 'cpu' or 'cuda:0'."""
        return "cpu"

    def is_array(self, x):
        return isinstance(x, self.xp.ndarray)

    def asarray(self, x, dtype=None):
        """`x` as an array of this backend, copied only when it must be."""
        return self.xp.asarray(x, dtype=dtype)

    def to_numpy(self, x):
        """`x` as a NumPy array on the host."""
        import numpy

        return numpy.asarray(x)

    def rng(self, seed):
        """A random generator seeded by `seed` (an int or a sequence of ints), with NumPy Generator's methods
        `standard_normal(size, dtype)`, `random(size, dtype)`, `integers(low, high, size, dtype)` and
        `permutation(n)`."""
        raise NotImplementedError(f"The backend {self.name!r} does not provide random numbers.")

    def synchronize(self):
        """Wait until queued device work has finished (a no-op on the CPU)."""


class _Active:
    """The active backend and its namespace; `xp` is read on every op call, so it is a plain attribute."""

    backend = None
    name = None
    xp = None


active = _Active()


def backend():
    """The name of the configured backend, as `keras.backend.backend()` gives it."""
    return active.name or config.backend()


def get():
    """The active `Backend`, activating the configured one on first use."""
    return active.backend or activate()


def activate(name=None):
    """Make `name` (default: the configured backend) the active backend, and return it."""
    from kcore.plugins import manager

    name = name or config.backend()
    plugins = manager()
    try:
        factory = plugins.get("backend", name)
    except UnknownNameError as e:
        raise BackendError(f"The backend {name!r} (from KCORE_BACKEND or {config.config_path()}) is not "
                           f"installed. {e} Set KCORE_BACKEND=numpy to use the default backend.") from e
    instance = _start(plugins, name, factory)
    active.backend, active.name, active.xp = instance, name, instance.xp
    failed = []  # a kernel plugin that fails to load leaves its ops on their own implementations, nothing more
    plugins.load_providers("kernel", f"{name}.", errors=failed)
    for error in failed:
        warnings.warn(f"{error} The ops it would speed up on the {name!r} backend run their own implementation.",
                      stacklevel=2)
    bind_kernels(plugins)
    return instance


def _start(plugins, name, factory):
    """Call a backend plugin's factory; a factory that raises, or returns anything but a Backend, is named with its
    distribution, and the active backend stays as it was."""
    source = plugins._label(plugins.registry.owner_of("backend", name))
    fallback = "Set KCORE_BACKEND=numpy to use the default backend."
    try:
        instance = factory()
    except KcoreError:
        raise
    except Exception as e:
        raise BackendError(f"The backend {name!r} (from {source}) failed to start: {type(e).__name__}: {e}. "
                           f"{fallback}") from e
    if not isinstance(instance, Backend) or instance.xp is None:
        raise BackendError(f"The backend {name!r} (from {source}) is broken: its factory returned {instance!r:.100}, "
                           f"not a kcore.backend.Backend with an array namespace `xp`. Report it to the authors of "
                           f"{source}. {fallback}")
    return instance


def set_backend(name):
    """Switch the active backend. Arrays made by the previous backend are not converted."""
    config._set("backend", name)
    return activate(name)


def bind_kernels(plugins):
    """Point every registered op at the active backend's kernel for it, or at its own implementation."""
    if active.name is None or plugins._pluggy is None:
        return
    registry = plugins.registry
    ops = registry.items("op")
    for _, op in ops:  # rebuilt from the registry: a kernel from a forgotten plugin must not survive
        op.kernels.clear()
    for kernel_name, kernel in registry.items("kernel"):
        backend_name, _, op_name = kernel_name.partition(".")
        op = registry.find("op", op_name)
        if op is not None:
            op.kernels[backend_name] = kernel
    for _, op in ops:
        op.select(active.name)


def reset(plugins=None):
    """Forget the active backend, so the next op activates the configured one, and point the ops that
    `plugins` (a PluginManager being forgotten) registered back at their own implementations.
    Called by `kcore.plugins.reset()`; the backend and its kernels came from plugins it forgets."""
    active.backend = active.name = active.xp = None
    if plugins is not None and plugins._pluggy is not None:
        for _, op in plugins.registry.items("op"):
            op.kernels.clear()
            op.select(None)


def to_numpy(x):
    """Any array, tensor or variable of the active backend as a NumPy array."""
    from kcore.autodiff import Node

    return get().to_numpy(x.value if isinstance(x, Node) else x)
