"""Lambda: a Python function as a layer."""

import inspect

from kcore.errors import ConfigError, KcoreError
from kcore.layers.layer import Layer
from kcore.layers.symbolic import KerasTensor
from kcore.utils import tree
from kcore_layers_core import checks

#: where a function saved by name is looked up again: config "module" -> registry kind
_MODULES = {"keras.activations": "activation", "keras.ops": "op"}


def _find(kind, name):
    from kcore.plugins import manager

    try:
        return manager().get(kind, name)
    except KcoreError:
        return None


def _saved_function(function):
    """How a config names `function`: Keras's `{"class_name": "function", ...}` for a registered activation or op,
    else a `__lambda__` marker that only names it."""
    name = getattr(function, "__name__", None)
    if isinstance(name, str):
        for module, kind in _MODULES.items():
            if _find(kind, name) is function:
                return {"module": module, "class_name": "function", "config": name, "registered_name": None}
    return {"class_name": "__lambda__", "config": {"name": name or repr(function)}}


def _takes_training(function):
    try:
        return "training" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


class Lambda(Layer):
    """Calls `function(inputs, **arguments)`.

    A config cannot hold Python code safely. A function registered with kcore (an activation or an op, e.g.
    `kcore.ops.tanh`) is saved by its name, as Keras saves functions, and rebuilt from it. Any other function is
    saved as a marker that only names it, and `from_config` refuses to rebuild it unless `custom_objects` maps
    that name to the function. For a layer to save and load, prefer a subclass of Layer.

    Args:
        function: the function to call on the inputs.
        output_shape: the output shape without the batch axis, when shape inference should not run `function`.
        mask: a fixed mask, or a function `(inputs, mask) -> mask` (not saved in the config).
        arguments: extra keyword arguments for `function`.

    Example:
        >>> Lambda(lambda x: x * 2)(np.ones((1, 2), "float32"))
        array([[2., 2.]], dtype=float32)
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ConfigError(f"{checks.describe(self)}: `function` must be callable. Received: function={function!r}")
        self.function = function
        self.output_shape = tuple(output_shape) if output_shape is not None else None
        self.mask = mask
        self.arguments = dict(arguments or {})
        self.supports_masking = mask is not None
        self._function_takes_training = _takes_training(function)

    def call(self, inputs, training=None):
        extra = {"training": training} if self._function_takes_training else {}
        return self.function(inputs, **self.arguments, **extra)

    def compute_mask(self, inputs, previous_mask=None):
        return self.mask(inputs, previous_mask) if callable(self.mask) else self.mask

    def compute_output_spec(self, *args, **kwargs):
        if self.output_shape is None:  # run the function on placeholder data
            return super().compute_output_spec(*args, **kwargs)
        batch = tree.flatten(args[0])[0].shape[0]
        return KerasTensor((batch, *self.output_shape), self.dtype)

    def get_config(self):
        return {**super().get_config(), "function": _saved_function(self.function),
                "output_shape": list(self.output_shape) if self.output_shape is not None else None,
                "arguments": self.arguments}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        config = dict(config)
        saved = config.pop("function")
        where = f"Lambda '{config.get('name')}'"
        if not isinstance(saved, dict) or saved.get("class_name") not in ("function", "__lambda__"):
            raise KcoreError(f"{where}: unreadable `function` entry in its config: {saved!r}.")
        if saved["class_name"] == "function":
            kind = _MODULES.get(saved.get("module"), "activation")
            function = _find(kind, saved.get("config"))
            if function is None:
                raise KcoreError(f"{where}: its config names the function {saved.get('config')!r}, which no "
                                 f"installed plugin registers as an {kind}.")
            return cls(function, **config)
        name = (saved.get("config") or {}).get("name")
        if not (custom_objects and name in custom_objects):
            raise KcoreError(f"{where}: its config holds the Python function {name!r}. kcore never saves code in a "
                             f"config, nor runs code named by a file (safe_mode={safe_mode}), so it cannot rebuild "
                             f"it. Pass custom_objects={{{name!r}: the_function}} to from_config, or write the "
                             f"computation as a Layer subclass.")
        return cls(custom_objects[name], **config)
