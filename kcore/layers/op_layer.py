"""`OpLayer`: an op applied to symbolic tensors (`x + residual`, `ops.concatenate([a, b])`) in a functional
model, recorded as a layer so the model can replay and save it."""

import functools
import inspect

from kcore.errors import ConfigError
from kcore.layers.layer import Layer
from kcore.utils import tree


class OpLayer(Layer):
    """Calls the op `op` with the graph's tensors at `positions` and the `constants` elsewhere."""

    def __init__(self, op, constants=None, params=None, positions=None, **kwargs):
        from kcore.utils import naming

        kwargs["name"] = kwargs.get("name") or naming.unique_name(op)
        super().__init__(**kwargs)
        self.op = op
        self.constants = {int(k): v for k, v in (constants or {}).items()}
        self.params = dict(params or {})
        self.positions = list(positions or [0])
        self.built = True

    def call(self, *tensors):
        from kcore.plugins import manager

        args = [None] * (len(self.positions) + len(self.constants))
        for i, tensor in zip(self.positions, tensors, strict=True):
            args[i] = tensor
        for i, value in self.constants.items():
            args[i] = value
        return manager().get("op", self.op)(*args, **self.params)

    def _autocast(self, x):
        return x  # an op keeps the dtypes it is given, as it would outside a model

    def get_config(self):
        return {**super().get_config(), "op": self.op, "constants": {str(k): v for k, v in self.constants.items()},
                "params": self.params, "positions": self.positions}


class KerasOperation(OpLayer):
    """An op on symbolic tensors in Keras 3's serialized form (see kcore.saving.keras_ops): called with the
    positional values as Keras passes them (tensors, lists of tensors, constants) and built with the op's
    static arguments. Keras loads it as the operation it names, and kcore loads Keras's."""

    def __init__(self, op, params=None, **kwargs):
        super().__init__(op, params=params, **kwargs)

    @classmethod
    def from_call(cls, op, args, params):
        """This form of `op(*args, **params)` and the values to call it with, or None when Keras has no such
        operation or a static argument is a tensor."""
        from kcore.layers.symbolic import KerasTensor
        from kcore.ops.manipulation import _SequenceOp
        from kcore.saving.keras_ops import KERAS_OPS

        if op.name not in KERAS_OPS:
            return None
        static_names = KERAS_OPS[op.name][2]
        if isinstance(op, _SequenceOp):  # Keras passes the list of arrays as one argument
            call_args, static = [list(args)], {}
        else:
            names = [p.name for p in inspect.signature(op.fn).parameters.values()
                     if p.kind is p.POSITIONAL_OR_KEYWORD][1:]  # after `xp`
            call_args, static = [], {}
            for i, value in enumerate(args):
                name = names[i] if i < len(names) else None
                if name in static_names:
                    static[name] = value
                else:
                    call_args.append(value)
        static.update({k: v for k, v in params.items() if k in static_names})
        extra = {k: v for k, v in params.items() if k not in static_names}
        if extra or any(isinstance(v, KerasTensor) for v in tree.flatten(list(static.values()))):
            return None
        return cls(op.name, params=static), call_args

    @classmethod
    def from_keras_config(cls, config):
        """The layer for a node Keras wrote for one of its operations (module keras.src.ops.*)."""
        from kcore.saving import keras_ops

        inner = dict(config.get("config") or {})
        op = keras_ops.op_for_class(config["module"], config["class_name"])
        if op is None:
            raise ConfigError(f"The model uses Keras's operation {config['class_name']!r} ({config['module']}), "
                              f"which kcore's ops do not include, so the model cannot be rebuilt. Rebuild it "
                              f"in Keras without that op, or write the op as a custom layer.")
        name = inner.pop("name", None)
        inner = {k: _from_json(v) for k, v in inner.items()}
        accepted = _keyword_names(op)
        for key in [k for k in inner if k not in accepted]:
            if inner[key] not in (None, False):
                raise ConfigError(f"Keras's operation {config['class_name']!r} is used with {key}={inner[key]!r}, "
                                  f"which kcore's ops.{op} does not support.")
            del inner[key]
        return cls(op, params=inner, name=name)

    def call(self, *args, **kwargs):
        from kcore import ops

        if self.op == "get_item" and isinstance(args[1], list):  # a tuple key comes back from JSON as a list
            args = (args[0], tuple(args[1]))
        # a static argument that kcore's op takes before the tensors (einsum's subscripts) goes back in place
        params, rest, ordered = dict(self.params), list(args), []
        for name in _positional_names(self.op):
            if name in params:
                ordered.append(params.pop(name))
            elif rest:
                ordered.append(rest.pop(0))
            else:
                break
        return getattr(ops, self.op)(*ordered, *rest, **kwargs, **params)

    def keras_identity(self):
        """(module, class name) as Keras writes them."""
        from kcore.saving.keras_ops import KERAS_OPS, MODULE_PREFIX

        module, class_name, _ = KERAS_OPS[self.op]
        return MODULE_PREFIX + module, class_name

    def get_config(self):
        from kcore.saving.keras_ops import encode_value

        return {"name": self.name, **{k: encode_value(v) for k, v in self.params.items()}}


def _from_json(value):
    """A static argument read from JSON: Keras's special forms decoded, lists (JSON's only sequence) as the tuples
    that axes and shapes are."""
    from kcore.saving.keras_ops import decode_value

    decoded = decode_value(value)
    if decoded is not None:
        return decoded
    return tuple(_from_json(v) for v in value) if isinstance(value, list) else value


@functools.cache
def _signature(op_name):
    from kcore import ops

    function = getattr(ops, op_name)
    return inspect.signature(getattr(function, "fn", function))


def _keyword_names(op_name):
    return set(_signature(op_name).parameters)


@functools.cache
def _positional_names(op_name):
    """The op's arguments that can be passed by position, after the backend namespace `xp`."""
    parameters = [p for p in _signature(op_name).parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
    return tuple(p.name for p in parameters if p.name != "xp")
