"""kcore: the Keras experience on a core small enough to read in an afternoon.

`import kcore` is cheap: it imports no plugin and not even NumPy. Submodules and names load on first use.

Example:
    >>> import kcore
    >>> kcore.backend.backend()
    'numpy'
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = frozenset({
    "activations", "autodiff", "backend", "callbacks", "config", "constraints", "datasets", "distribution", "errors",
    "initializers", "layers", "losses", "metrics", "models", "ops", "optimizers", "plugins", "preprocessing", "random",
    "regularizers", "saving", "testing", "training", "utils", "variables",
})
_NAMES = {
    "Variable": "kcore.variables",
    "Tensor": "kcore.autodiff",
    "GradientTape": "kcore.autodiff",
    "value_and_grad": "kcore.autodiff",
    "KcoreError": "kcore.errors",
    "Sequential": "kcore.models",
    "Model": "kcore.models",
    "Input": "kcore.layers",
    "Layer": "kcore.layers",
}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"kcore.{name}")
    if name in _NAMES:
        value = getattr(importlib.import_module(_NAMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kcore' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_NAMES))
