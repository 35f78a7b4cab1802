"""Adam: adaptive moment estimation."""

import math

from kcore.optimizers import Optimizer
from kcore_optimizers.common import (
    backend_kernel,
    blocks,
    check_fraction,
    check_positive,
    in_dtype_of,
    moment_slots,
    xp,
)


class Adam(Optimizer):
    """Keras 3's Adam, at step t = iterations + 1:

        alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m += (g - m) * (1 - beta_1)
        v += (g**2 - v) * (1 - beta_2)
        v_hat = max(v_hat, v)                            (amsgrad only; then v_hat replaces v below)
        w -= alpha * m / (sqrt(v) + epsilon)

    The step's scalars are computed once for all variables. Each variable's update is `update_in_place`, or the
    active backend's kernel `<backend>.adam_update` where a plugin registers one (on NumPy: one pass of C,
    `adam_native.py`).

    Example:
        >>> opt = Adam(learning_rate=1e-3)
        >>> opt.get_config()["beta_2"]
        0.999
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, name="adam",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        label = type(self).__name__
        self.beta_1 = check_fraction(label, "beta_1", beta_1, closed=False)
        self.beta_2 = check_fraction(label, "beta_2", beta_2, closed=False)
        self.epsilon = check_positive(label, "epsilon", epsilon, allow_zero=True)
        self.amsgrad = bool(amsgrad)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = moment_slots(self, var_list)
        self._velocity_hats = [self.add_variable_from_reference(v, "velocity_hat") for v in var_list] \
            if self.amsgrad else []

    def apply_updates(self, grads, variables, learning_rate):
        t = int(self.iterations.value) + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        update = (None if self.amsgrad else backend_kernel("adam_update")) or update_in_place
        for gradient, variable in zip(grads, variables, strict=True):
            self._update(update, gradient, variable, alpha)

    def update_step(self, gradient, variable, learning_rate):
        self.apply_updates([gradient], [variable], learning_rate)

    def _update(self, update, gradient, variable, alpha):
        index = self._var_index(variable)
        velocity_hat = self._velocity_hats[index].value if self.amsgrad else None
        update(xp(), variable.value, in_dtype_of(gradient, variable), self._momentums[index].value,
               self._velocities[index].value, velocity_hat, alpha=alpha, beta_1=self.beta_1, beta_2=self.beta_2,
               epsilon=self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


def update_in_place(xp, variable, gradient, momentum, velocity, velocity_hat=None, *, alpha, beta_1, beta_2,
                    epsilon):
    """One Adam step of one variable's arrays, in place on `variable`, `momentum`, `velocity` (and `velocity_hat`,
    with amsgrad); `alpha` is the step's bias-corrected learning rate. The arrays are updated one cache-sized block
    at a time (see `common.blocks`), with one temporary: the passes over a block read memory once.

    A backend's kernel `<backend>.adam_update` takes the same arguments (without `velocity_hat`).
    """
    slots = [momentum, velocity] if velocity_hat is None else [momentum, velocity, velocity_hat]
    scratch = None
    for g, w, m, v, *v_hat in blocks(gradient, variable, *slots):
        if scratch is None or scratch.size < g.size:
            scratch = xp.empty(g.size, dtype=g.dtype)  # the one temporary, reused by every block
        t = scratch[:g.size].reshape(g.shape)
        xp.subtract(g, m, out=t)
        t *= 1 - beta_1
        m += t
        xp.square(g, out=t)
        t -= v
        t *= 1 - beta_2
        v += t
        if v_hat:
            v = xp.maximum(v_hat[0], v, out=v_hat[0])
        xp.sqrt(v, out=t)
        t += epsilon
        xp.divide(m, t, out=t)
        t *= alpha
        w -= t
