"""The Layer contract, with Keras 3's semantics.

A layer validates its arguments in `__init__`, creates its weights in `build(input_shape)` through
`add_weight` the first time it is called, computes in `call` with `kcore.ops` only, and returns its
constructor arguments from `get_config`. Sublayers assigned as attributes (alone, or in lists, tuples and
dicts) are tracked: their weights are the layer's weights.
"""

import contextlib
import contextvars
import functools
import inspect
import math
import threading
import warnings

from kcore import config
from kcore.autodiff import Node
from kcore.errors import ConfigError, KcoreError, ShapeError
from kcore.layers.symbolic import KerasTensor, any_symbolic, infer_output_spec, symbolic_call
from kcore.utils import naming, tree
from kcore.variables import Variable


class _CallContext(threading.local):
    """Per thread: a layer called in a data-reading thread neither sees nor changes the training step's flag."""

    training = None  # the `training` flag of the outermost call, inherited by nested layers
    inferring_shapes = False  # calls made only to find output shapes: their add_loss terms are dropped


call_context = _CallContext()

#: the containers `_autocast` walks into (anything else with a dtype is one array)
_STRUCTURES = (list, tuple, dict)


def _standardize_dtype(dtype):
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, dict):  # a Keras 3 DTypePolicy config
        return dtype.get("config", {}).get("name", config.floatx())
    return str(getattr(dtype, "name", dtype))


def _shape_of(x):
    return tuple(x.shape) if hasattr(x, "shape") else None


def _unique(items):
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


#: while a model is rebuilt from a file: [values the layers may still create, the file's name] (see weight_budget)
_WEIGHT_BUDGET = contextvars.ContextVar("kcore_weight_budget", default=None)


@contextlib.contextmanager
def weight_budget(max_values, source):
    """Refuse, inside the block, any `add_weight` that would take the values created so far past `max_values`.

    `load_model` sets it to what the file's weights can fill, so that a config declaring a giant layer
    (units=10**12) is refused before anything is allocated.
    """
    token = _WEIGHT_BUDGET.set([max_values, source])
    try:
        yield
    finally:
        _WEIGHT_BUDGET.reset(token)


def _spend_weight_budget(layer, name, shape):
    budget = _WEIGHT_BUDGET.get()
    if budget is None:
        return
    try:
        count = math.prod(int(d) for d in shape)
    except (TypeError, ValueError):
        return  # not a shape: Variable raises the error that says so
    if count > budget[0]:
        from kcore.saving.errors import UnsafeFileError

        raise UnsafeFileError(f"{budget[1]!r}: layer '{layer.name}' asks for a weight {name!r} of shape "
                              f"{tuple(shape)} ({count} values), more than the file's weights can fill ({budget[0]} "
                              f"values left). The config declares a larger model than the file holds; refusing to "
                              f"allocate it.")
    budget[0] -= max(count, 0)


class Layer:
    """Base class of every layer. Subclasses implement `call`, and usually `build` and `get_config`.

    Example:
        >>> class Scale(Layer):
        ...     def build(self, input_shape):
        ...         self.scale = self.add_weight(shape=(input_shape[-1],), initializer=ones)
        ...     def call(self, inputs):
        ...         return inputs * self.scale
    """

    supports_masking = False
    _call_takes_training = False
    _call_takes_mask = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        parameters = inspect.signature(cls.call).parameters
        cls._call_takes_training = "training" in parameters
        cls._call_takes_mask = "mask" in parameters
        if "build" in cls.__dict__:
            cls.build = _marks_built(cls.__dict__["build"])

    def __init__(self, trainable=True, name=None, dtype=None, autocast=True, input_shape=None, input_dim=None,
                 batch_input_shape=None, batch_size=None, **kwargs):
        if kwargs:
            raise ConfigError(f"{type(self).__name__}: unknown keyword argument(s) {sorted(kwargs)}. Check the "
                              f"spelling against the layer's documentation.")
        self.name = name or naming.unique_name(naming.to_snake_case(type(self).__name__))
        if not isinstance(self.name, str) or not self.name:
            raise ConfigError(f"{type(self).__name__}: `name` must be a non-empty string. Received: {name!r}")
        self.dtype = _standardize_dtype(dtype)
        self.autocast = autocast
        self.built = False
        self._trainable = bool(trainable)
        self._trainable_variables = []
        self._non_trainable_variables = []
        self._losses = []
        self._inbound_nodes = []
        self._build_shapes = None
        self._batch_input_shape = self._legacy_input_shape(input_shape, input_dim, batch_input_shape, batch_size)

    def _legacy_input_shape(self, input_shape, input_dim, batch_input_shape, batch_size):
        if batch_input_shape is not None:
            return tuple(batch_input_shape)
        if input_dim is not None:
            input_shape = (input_dim,)
        if input_shape is None:
            return None
        return (batch_size, *tuple(input_shape))

    # -- weights ------------------------------------------------------------------------------------------

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", name=None):
        """Create a weight of this layer (usually in `build`) and return its Variable."""
        if isinstance(shape, str):  # Keras 2 order: add_weight(name, shape, initializer)
            name, shape, initializer, dtype = shape, initializer, dtype, None
        dtype = _standardize_dtype(dtype or self.dtype)
        if shape is None:
            raise ConfigError(f"Layer '{self.name}': add_weight({name!r}) needs a `shape`.")
        if initializer is None:
            initializer = "glorot_uniform" if "float" in dtype else "zeros"
        if isinstance(initializer, str):
            from kcore import initializers

            initializer = initializers.get(initializer)
        _spend_weight_budget(self, name, shape)
        variable = Variable(initializer, shape=tuple(shape), dtype=dtype, trainable=trainable,
                            name=name or "variable")
        variable.path = f"{self.name}/{variable.name}"
        if regularizer is not None:
            from kcore import regularizers

            variable.regularizer = regularizers.get(regularizer)
        if constraint is not None:
            from kcore import constraints

            variable.constraint = constraints.get(constraint)
        (self._trainable_variables if trainable else self._non_trainable_variables).append(variable)
        return variable

    def _sublayers(self):
        """Layers held in attributes (alone, or in lists, tuples and dicts), in the order they were set."""
        found = []
        for value in vars(self).values():
            if isinstance(value, Layer):
                found.append(value)
            elif isinstance(value, (list, tuple)):
                found.extend(v for v in value if isinstance(v, Layer))
            elif isinstance(value, dict):
                found.extend(v for v in value.values() if isinstance(v, Layer))
        return _unique(v for v in found if v is not self)

    @property
    def layers(self):
        return self._sublayers()

    def _flatten_layers(self):
        """This layer and every layer inside it, each once, depth first."""
        found, stack, seen = [], [self], set()
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            found.append(layer)
            stack.extend(reversed(layer._sublayers()))
        return found

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Freezing a layer freezes its weights and its sublayers (Keras 3 semantics)."""
        self._trainable = bool(value)
        for variable in self._trainable_variables:
            variable.trainable = bool(value)
        for layer in self._sublayers():
            layer.trainable = value

    @property
    def weights(self):
        own = self._trainable_variables + self._non_trainable_variables
        return _unique(own + [w for layer in self._sublayers() for w in layer.weights])

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        own = [v for v in self._trainable_variables if v.trainable]
        return _unique(own + [w for layer in self._sublayers() for w in layer.trainable_weights])

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self.weights
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self):
        """The weights' values as a list of NumPy arrays (copies), in `weights` order."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        """Set the weights from a list of arrays in `weights` order, checking count and shapes first."""
        own = self.weights
        if len(weights) != len(own):
            raise ShapeError(f"Layer '{self.name}' has {len(own)} weights; set_weights received {len(weights)}. "
                             f"Pass the list that get_weights() of an identical layer returns.")
        for variable, value in zip(own, weights, strict=True):
            if tuple(value.shape) != variable.shape:
                raise ShapeError(f"Layer '{self.name}': weight {variable.path!r} has shape {variable.shape}; "
                                 f"set_weights received shape {tuple(value.shape)}. No weight was changed.")
        for variable, value in zip(own, weights, strict=True):
            variable.assign(value)

    def save_own_variables(self, store):
        """Write this layer's own variables (not its sublayers') into `store` as "0", "1", ... in creation order,
        trainable first: Keras 3's layout of a weights file. Override together with `load_own_variables`."""
        for i, variable in enumerate(self._trainable_variables + self._non_trainable_variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Set this layer's own variables from what `save_own_variables` wrote, checking the count and every
        shape before any variable is changed."""
        own = self._trainable_variables + self._non_trainable_variables
        where = getattr(store, "path", "its group")
        if len(store) != len(own):
            built = "" if self.built else " (it is not built: build the model, e.g. by calling it on data, first)"
            raise ShapeError(f"Layer '{self.name}' has {len(own)} variables {[v.name for v in own]}{built}; the "
                             f"weights file holds {len(store)} for it at {where!r}. The file was saved from a "
                             f"different model.")
        values = [store[str(i)] for i in range(len(own))]
        for variable, value in zip(own, values, strict=True):
            if tuple(value.shape) != variable.shape:
                raise ShapeError(f"Layer '{self.name}': variable {variable.name!r} has shape {variable.shape}; the "
                                 f"weights file holds shape {tuple(value.shape)} at {where!r}. No weight of this "
                                 f"layer was changed.")
        for variable, value in zip(own, values, strict=True):
            variable.assign(value)

    def count_params(self):
        if not self.built:
            raise KcoreError(f"Layer '{self.name}' is not built yet, so it has no weights to count. Call it on "
                             f"data, or build it with layer.build(input_shape), first.")
        return sum(int(w.size) for w in self.weights)

    # -- losses -------------------------------------------------------------------------------------------

    def add_loss(self, loss):
        """Add a loss term (a scalar computed in `call`) to be minimised with the model's loss."""
        if not call_context.inferring_shapes:
            self._losses.append(loss)

    def add_activity_loss(self, outputs):
        """Add `self.activity_regularizer(output)` for each of `outputs`, divided by the output's batch size as
        Keras 3 does, so that the penalty's strength does not depend on the batch size. Layers with an
        `activity_regularizer` argument call it on their outputs at the end of `call`."""
        if call_context.inferring_shapes:
            return
        from kcore import ops

        for output in tree.flatten(outputs):
            loss = self.activity_regularizer(output)
            if len(output.shape) and output.shape[0]:
                loss = ops.divide(loss, output.shape[0])
            self.add_loss(loss)

    @property
    def losses(self):
        """Regularisation terms of this layer's weights, plus what `call` added with `add_loss`."""
        terms = [v.regularizer(v) for v in self._trainable_variables if v.regularizer is not None and v.trainable]
        terms += self._losses
        for layer in self._sublayers():
            terms += layer.losses
        return terms

    def _clear_losses(self):
        self._losses = []
        for layer in self._sublayers():
            layer._clear_losses()

    # -- building and calling -----------------------------------------------------------------------------

    def build(self, input_shape):
        """Create the weights for inputs of `input_shape` (batch dimension first, possibly None)."""

    def _build_once(self, input_shape):
        self.build(input_shape)
        self._build_shapes = input_shape
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The computation, on backend arrays, with `kcore.ops`."""
        raise NotImplementedError(f"Layer '{self.name}' ({type(self).__name__}) does not implement call().")

    def _autocast(self, x):
        dtype = getattr(x, "dtype", None)
        if dtype is not None and not isinstance(x, _STRUCTURES):  # one array: the common case, checked first
            if getattr(dtype, "kind", None) == "f" and dtype != self.dtype:
                from kcore import ops

                return ops.cast(x, self.dtype)
            return x
        if isinstance(x, _STRUCTURES):
            return tree.map_structure(self._autocast, x)
        if dtype is None:
            if isinstance(x, (int, float)):
                return x
            from kcore import ops

            return ops.convert_to_tensor(x)
        return x

    def __call__(self, *args, **kwargs):
        if not args:
            raise KcoreError(f"Layer '{self.name}' was called without inputs.")
        inputs = args[0]
        if type(inputs) is KerasTensor or ((kwargs or len(args) != 1 or not hasattr(inputs, "dtype"))
                                           and _maybe_symbolic(args, kwargs)):
            return symbolic_call(self, args, kwargs)
        if not self.built:
            self._build_once(tree.map_structure(_shape_of, inputs))
        if self.autocast:
            inputs = self._autocast(inputs)
        if not kwargs:  # the common call, `layer(x)`: nothing to sort out
            if self._call_takes_training and call_context.training is not None:
                return self.call(inputs, *args[1:], training=call_context.training)
            return self.call(inputs, *args[1:])
        if not self._call_takes_mask:
            kwargs.pop("mask", None)
        training = kwargs.get("training")
        if not self._call_takes_training:
            kwargs.pop("training", None)
        elif training is None:
            # neither given nor inherited: the default of `call`'s signature decides, as in Keras (the random
            # image layers default to training=True, most layers to inference)
            if call_context.training is None:
                kwargs.pop("training", None)
            else:
                kwargs["training"] = call_context.training
        if training is None:
            return self.call(inputs, *args[1:], **kwargs)
        previous, call_context.training = call_context.training, training
        try:
            return self.call(inputs, *args[1:], **kwargs)
        finally:
            call_context.training = previous

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape`; by default found by running `call` on zeros."""
        spec = self.compute_output_spec(tree.map_shapes(lambda s: KerasTensor(s, self.dtype), input_shape))
        return tree.map_structure(lambda t: t.shape, spec)

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensors describing the output of calling the layer on KerasTensors `args`."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = tree.map_structure(lambda t: t.shape if isinstance(t, KerasTensor) else t, args[0])
            return tree.map_shapes(lambda s: KerasTensor(s, self.dtype), self.compute_output_shape(shapes))
        if self._call_takes_training and "training" not in kwargs:
            kwargs = {**kwargs, "training": False}
        return infer_output_spec(self.__call__, args, kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        """The mask of the outputs: the input mask when the layer supports masking, else None."""
        return previous_mask if self.supports_masking else None

    # -- graph information --------------------------------------------------------------------------------

    @property
    def input(self):
        return self._node_attribute("args")[0]

    @property
    def output(self):
        return self._node_attribute("outputs")

    def _node_attribute(self, attribute):
        if not self._inbound_nodes:
            raise KcoreError(f"Layer '{self.name}' has not been called on a symbolic input, so it has no "
                             f"{attribute.rstrip('s')}. Use it in a functional model first.")
        return getattr(self._inbound_nodes[0], attribute)

    # -- configuration ------------------------------------------------------------------------------------

    def get_config(self):
        """The constructor arguments, as JSON-serialisable values; `from_config` rebuilds the layer."""
        config_ = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config_["batch_input_shape"] = list(self._batch_input_shape)
        return config_

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {"input_shape": self._build_shapes} if self._build_shapes is not None else None

    def build_from_config(self, build_config):
        if build_config and build_config.get("input_shape") is not None and not self.built:
            self._build_once(_to_tuples(build_config["input_shape"]))

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _marks_built(build):
    """`build`, after which the layer is built and remembers its input shape, as in Keras 3: so that
    `layer.build(shape)` called directly is not followed by a second build (and a second set of weights) on the
    first call."""
    if getattr(build, "_marks_built", False):
        return build

    @functools.wraps(build)
    def build_and_mark(self, *args, **kwargs):
        result = build(self, *args, **kwargs)
        if not self.built:
            self.built = True
            if self._build_shapes is None and args:
                self._build_shapes = args[0]
        return result

    build_and_mark._marks_built = True
    return build_and_mark


def _maybe_symbolic(args, kwargs):
    """Whether any argument holds a KerasTensor; the common call, one array and plain keywords, costs no walk."""
    if (len(args) != 1 or not hasattr(args[0], "dtype")) and any_symbolic(args):
        return True
    return bool(kwargs) and any(v is not None and type(v) is not bool and any_symbolic(v) for v in kwargs.values())


def _to_tuples(shape):
    """JSON lists back into shape tuples (a shape, or a list/dict of shapes)."""
    if isinstance(shape, dict):
        return {k: _to_tuples(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, int) for d in shape):
        return tuple(shape)
    if isinstance(shape, (list, tuple)):
        return [_to_tuples(s) for s in shape]
    return shape


def warn_legacy(old, new, stacklevel=3):
    """A deprecation warning for a Keras 1/2 spelling that kcore still accepts."""
    warnings.warn(f"`{old}` is a legacy spelling; use `{new}` instead.", DeprecationWarning, stacklevel=stacklevel)


__all__ = ["Layer", "Node", "call_context", "warn_legacy"]
