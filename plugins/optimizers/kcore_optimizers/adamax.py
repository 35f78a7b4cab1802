"""Adamax: Adam with the infinity norm in place of the second moment."""

from kcore.optimizers import Optimizer
from kcore_optimizers.common import check_fraction, check_positive, in_dtype_of, xp


class Adamax(Optimizer):
    """Keras 3's Adamax, at step t = iterations + 1:

        m += (g - m) * (1 - beta_1)
        u = max(beta_2 * u, |g|)
        w -= learning_rate * m / ((1 - beta_1**t) * (u + epsilon))

    Example:
        >>> Adamax().get_config()["beta_1"]
        0.9
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="adamax", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_fraction("Adamax", "beta_1", beta_1, closed=False)
        self.beta_2 = check_fraction("Adamax", "beta_2", beta_2)
        self.epsilon = check_positive("Adamax", "epsilon", epsilon, allow_zero=True)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = [], []
        for v in var_list:
            self._m.append(self.add_variable_from_reference(v, "momentum"))
            self._u.append(self.add_variable_from_reference(v, "norm"))

    def apply_updates(self, grads, variables, learning_rate):
        scale = learning_rate / (1 - self.beta_1 ** (int(self.iterations.value) + 1))
        for gradient, variable in zip(grads, variables, strict=True):
            self._update(gradient, variable, scale)

    def update_step(self, gradient, variable, learning_rate):
        self.apply_updates([gradient], [variable], learning_rate)

    def _update(self, gradient, variable, scale):
        np_ = xp()
        gradient = in_dtype_of(gradient, variable)
        index = self._var_index(variable)
        m, u = self._m[index].value, self._u[index].value
        t = gradient - m  # the one temporary
        t *= 1 - self.beta_1
        m += t
        u *= self.beta_2
        np_.absolute(gradient, out=t)
        np_.maximum(u, t, out=u)
        np_.add(u, self.epsilon, out=t)
        np_.divide(m, t, out=t)
        t *= scale
        variable.value -= t

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
