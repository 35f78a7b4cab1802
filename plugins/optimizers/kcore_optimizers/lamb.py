"""Lamb: Adam's step, rescaled per variable by the ratio of the weights' norm to the step's norm."""

import math

from kcore.optimizers import Optimizer
from kcore_optimizers.common import check_fraction, check_positive, in_dtype_of, moment_slots, xp


class Lamb(Optimizer):
    """Keras 3's Lamb (You et al., layer-wise adaptive moments), at step t = iterations + 1:

        m += (g - m) * (1 - beta_1);  v += (g**2 - v) * (1 - beta_2)
        r = (m / (1 - beta_1**t)) / (sqrt(v / (1 - beta_2**t)) + epsilon)
        ratio = ||w|| / ||r||   where both norms are > 0, else 1
        w -= ratio * learning_rate * r

    The norms are over each whole variable. Its slots are Keras's `momentum` and `velocity`, interleaved per
    variable.

    Example:
        >>> Lamb().get_config()["epsilon"]
        1e-07
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="lamb", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_fraction("Lamb", "beta_1", beta_1, closed=False)
        self.beta_2 = check_fraction("Lamb", "beta_2", beta_2, closed=False)
        self.epsilon = check_positive("Lamb", "epsilon", epsilon, allow_zero=True)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = moment_slots(self, var_list)

    def update_step(self, gradient, variable, learning_rate):
        np_ = xp()
        gradient = in_dtype_of(gradient, variable)
        step = int(self.iterations.value) + 1
        index = self._var_index(variable)
        m, v = self._momentums[index].value, self._velocities[index].value
        t = gradient - m  # two temporaries
        t *= 1 - self.beta_1
        m += t
        np_.square(gradient, out=t)
        t -= v
        t *= 1 - self.beta_2
        v += t
        np_.multiply(v, 1 / (1 - self.beta_2**step), out=t)  # t = the step r
        np_.sqrt(t, out=t)
        t += self.epsilon
        s = m * (1 / (1 - self.beta_1**step))
        np_.divide(s, t, out=t)
        w_norm = math.sqrt(float(np_.vdot(variable.value, variable.value)))
        r_norm = math.sqrt(float(np_.vdot(t, t)))
        ratio = w_norm / r_norm if w_norm > 0 and r_norm > 0 else 1.0
        t *= ratio * learning_rate
        variable.value -= t

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
