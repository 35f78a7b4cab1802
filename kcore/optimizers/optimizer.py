"""The Optimizer contract (Keras 3 semantics): clipping, decoupled weight decay, schedules, constraints and the
step counter are handled here once; a subclass creates its slots in `build` and writes `update_step`.

An update works on the variables' arrays in place (`variable.value`), so a step allocates little. A subclass
may override `apply_updates` to update every variable in one fused pass.
"""

import math
import warnings

from kcore import backend, config
from kcore.errors import ConfigError, ShapeError
from kcore.optimizers.schedules import LearningRateSchedule
from kcore.utils import naming
from kcore.variables import Variable


class Optimizer:
    """Base class of optimizers.

    Example:
        >>> class PlainSGD(Optimizer):
        ...     def update_step(self, gradient, variable, learning_rate):
        ...         variable.value -= learning_rate * gradient
    """

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        if "lr" in kwargs:
            warnings.warn(f"{type(self).__name__}(lr=...) is a legacy spelling; use learning_rate=... instead.",
                          DeprecationWarning, stacklevel=3)
            learning_rate = kwargs.pop("lr")
        if "decay" in kwargs:
            raise ConfigError(f"{type(self).__name__}: `decay` was removed in Keras 3. Use a learning-rate "
                              f"schedule, e.g. learning_rate=kcore.optimizers.schedules.InverseTimeDecay(...).")
        if kwargs:
            raise ConfigError(f"{type(self).__name__}: unknown argument(s) {sorted(kwargs)}.")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ConfigError(f"{type(self).__name__}: set at most one of clipnorm, clipvalue and global_clipnorm. "
                              f"Received clipnorm={clipnorm}, clipvalue={clipvalue}, "
                              f"global_clipnorm={global_clipnorm}.")
        if use_ema or gradient_accumulation_steps or loss_scale_factor:
            raise ConfigError(f"{type(self).__name__}: use_ema, gradient_accumulation_steps and loss_scale_factor "
                              f"are not supported by kcore yet.")
        self.name = name or naming.to_snake_case(type(self).__name__)
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema, self.ema_momentum, self.ema_overwrite_frequency = use_ema, ema_momentum, ema_overwrite_frequency
        self.loss_scale_factor, self.gradient_accumulation_steps = None, None
        self._check_learning_rate(learning_rate)
        self._learning_rate = learning_rate
        self.iterations = Variable(0, dtype="int64", trainable=False, name="iteration")
        self.built = False
        self._slots = []  # every slot variable, in creation order (saved with the optimizer)
        self._index = {}  # id(model variable) -> position in the var_list given to build
        self._no_decay = set()

    def _check_learning_rate(self, value):
        if isinstance(value, LearningRateSchedule) or callable(value):
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ConfigError(f"{type(self).__name__}: `learning_rate` must be a non-negative number or a "
                              f"LearningRateSchedule. Received: learning_rate={value!r}")

    # -- learning rate ------------------------------------------------------------------------------------

    @property
    def learning_rate(self):
        """The current learning rate, as a Python float (a schedule is evaluated at the current step)."""
        if isinstance(self._learning_rate, LearningRateSchedule) or callable(self._learning_rate):
            return float(self._learning_rate(int(self.iterations.value)))
        return float(self._learning_rate)

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(self._learning_rate, LearningRateSchedule) and not isinstance(value, LearningRateSchedule):
            raise ConfigError(f"{type(self).__name__}: its learning rate is a schedule "
                              f"({type(self._learning_rate).__name__}); it cannot be set to a number.")
        value = float(value) if isinstance(value, (int, float)) or hasattr(value, "dtype") else value
        self._check_learning_rate(value)
        self._learning_rate = value

    lr = learning_rate

    # -- slots --------------------------------------------------------------------------------------------

    def build(self, var_list):
        """Create the slot variables for `var_list`. Subclasses call super().build(var_list) first."""
        self._index = {id(v): i for i, v in enumerate(var_list)}
        self.built = True

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None):
        xp = backend.get().xp
        dtype = dtype or config.floatx()
        value = xp.zeros(shape, dtype) if initializer == "zeros" else xp.full(shape, float(initializer), dtype)
        variable = Variable(value, trainable=False, name=name or "slot")
        self._slots.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like `reference_variable`, named after it (`<variable path>_<name>`)."""
        label = f"{reference_variable.path.replace('/', '_')}_{name}" if name else None
        return self.add_variable(reference_variable.shape, initializer, str(reference_variable.dtype), label)

    def _var_index(self, variable):
        return self._index[id(variable)]

    @property
    def variables(self):
        """The optimizer's state: the step counter, then every slot."""
        return [self.iterations, *self._slots]

    def _has_rate_variable(self):
        return not (isinstance(self._learning_rate, LearningRateSchedule) or callable(self._learning_rate))

    def save_own_variables(self, store):
        """Keras 3's layout: "0" the step counter, "1" the learning rate (unless it is a schedule), then the
        slots in creation order."""
        import numpy as np

        values = [self.iterations.numpy()]
        if self._has_rate_variable():
            values.append(np.float32(self.learning_rate))
        for i, value in enumerate(values + [slot.numpy() for slot in self._slots]):
            store[str(i)] = value

    def load_own_variables(self, store):
        """Restore what `save_own_variables` wrote. Build the optimizer first (`build(model.trainable_variables)`)
        so that its slots exist. A state of another shape is skipped with a warning, as Keras does."""
        import numpy as np

        offset = 2 if self._has_rate_variable() else 1
        count, where = len(store), getattr(store, "path", "its group")
        # A state saved before the first step has no slots; it fits only an optimizer that has not stepped yet.
        fresh = count == offset and (not self._slots or int(self.iterations.value) == 0)
        if count != offset + len(self._slots) and not fresh:
            warnings.warn(f"{type(self).__name__} '{self.name}': the weights file holds {count} optimizer variables "
                          f"at {where!r}, and this optimizer has {offset + len(self._slots)} (built: {self.built}). "
                          f"Its state was left as it was (not restored from the file).",
                          stacklevel=3)
            return
        values = [store[str(i)] for i in range(count)]
        for slot, value in zip(self._slots, values[offset:], strict=False):
            if tuple(value.shape) != slot.shape:
                raise ShapeError(f"{type(self).__name__} '{self.name}': slot {slot.name!r} has shape {slot.shape}; "
                                 f"the weights file holds shape {tuple(value.shape)} at {where!r}.")
        self.iterations.assign(values[0])
        if offset == 2 and np.float32(self.learning_rate) != np.float32(values[1]):
            self.learning_rate = float(values[1])  # changed during training, e.g. by ReduceLROnPlateau
        for slot, value in zip(self._slots, values[offset:], strict=False):
            slot.assign(value)

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        self._no_decay |= {id(v) for v in var_list or ()}
        self._no_decay_names = tuple(var_names or ())

    # -- applying -----------------------------------------------------------------------------------------

    def apply_gradients(self, grads_and_vars):
        grads, variables = zip(*grads_and_vars, strict=True) if grads_and_vars else ((), ())
        return self.apply(list(grads), list(variables))

    def apply(self, grads, trainable_variables):
        """One step: clip, decay, update every variable whose gradient is not None, constrain, count."""
        pairs = [(g, v) for g, v in zip(grads, trainable_variables, strict=True) if g is not None]
        if not pairs:
            return
        if not self.built:
            self.build([v for _, v in zip(grads, trainable_variables, strict=True)])
        grads = [g.value if hasattr(g, "edges") else g for g, _ in pairs]
        variables = [v for _, v in pairs]
        for g, v in zip(grads, variables, strict=True):
            if tuple(g.shape) != v.shape:
                raise ShapeError(f"{type(self).__name__}: the gradient for {v.path!r} has shape {tuple(g.shape)}, "
                                 f"but the variable has shape {v.shape}.")
        grads = self._clip(grads)
        learning_rate = self.learning_rate
        if self.weight_decay:
            self._decay(variables, learning_rate)
        self.apply_updates(grads, variables, learning_rate)
        for variable in variables:
            if variable.constraint is not None:
                variable.assign(variable.constraint(variable.value))
        self.iterations.value += 1

    def apply_updates(self, grads, variables, learning_rate):
        """Update every variable; override to fuse the updates into one pass."""
        for grad, variable in zip(grads, variables, strict=True):
            self.update_step(grad, variable, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        raise NotImplementedError(f"{type(self).__name__} does not implement update_step.")

    def _clip(self, grads):
        xp = backend.get().xp
        if self.clipvalue is not None:
            return [xp.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            return [g * min(1.0, self.clipnorm / max(float(xp.sqrt(xp.sum(g * g))), 1e-12)) for g in grads]
        if self.global_clipnorm is not None:
            norm = math.sqrt(sum(float(xp.sum(g * g)) for g in grads))
            scale = min(1.0, self.global_clipnorm / max(norm, 1e-12))
            return [g * scale for g in grads] if scale < 1 else grads
        return grads

    def _decay(self, variables, learning_rate):
        names = getattr(self, "_no_decay_names", ())
        for v in variables:
            if id(v) not in self._no_decay and not any(n in v.path for n in names):
                v.value -= v.value * (self.weight_decay * learning_rate)

    # -- configuration ------------------------------------------------------------------------------------

    def get_config(self):
        rate = self._learning_rate
        if isinstance(rate, LearningRateSchedule):
            rate = {"class_name": type(rate).__name__, "config": rate.get_config(),
                    "module": "kcore.optimizers.schedules", "registered_name": None}
        return {"name": self.name, "learning_rate": rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency, "loss_scale_factor": None,
                "gradient_accumulation_steps": None}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        rate = config.get("learning_rate")
        if isinstance(rate, dict):
            from kcore.plugins import manager

            config["learning_rate"] = manager().get("schedule", rate["class_name"]).from_config(rate["config"])
        return cls(**config)
