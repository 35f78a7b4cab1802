"""Adadelta: step sizes from running averages of squared gradients and of squared updates."""

from kcore.optimizers import Optimizer
from kcore_optimizers.common import check_fraction, check_positive, in_dtype_of, xp


class Adadelta(Optimizer):
    """Keras 3's Adadelta:

        G = rho * G + (1 - rho) * g**2
        delta = -sqrt(D + epsilon) / sqrt(G + epsilon) * g
        D = rho * D + (1 - rho) * delta**2
        w += learning_rate * delta

    Example:
        >>> Adadelta().get_config()["rho"]
        0.95
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="adadelta", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = check_fraction("Adadelta", "rho", rho)
        self.epsilon = check_positive("Adadelta", "epsilon", epsilon, allow_zero=True)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = [], []
        for v in var_list:
            self._accumulated_grads.append(self.add_variable_from_reference(v, "accumulated_grad"))
            self._accumulated_delta_vars.append(self.add_variable_from_reference(v, "accumulated_delta_var"))

    def update_step(self, gradient, variable, learning_rate):
        np_ = xp()
        gradient = in_dtype_of(gradient, variable)
        index = self._var_index(variable)
        rho, eps = self.rho, self.epsilon
        grads_sq = self._accumulated_grads[index].value
        deltas_sq = self._accumulated_delta_vars[index].value
        t = np_.square(gradient)  # two temporaries
        t *= 1 - rho
        grads_sq *= rho
        grads_sq += t
        np_.add(deltas_sq, eps, out=t)
        np_.sqrt(t, out=t)
        t *= gradient
        s = grads_sq + eps
        np_.sqrt(s, out=s)
        t /= s  # t = -delta
        np_.square(t, out=s)
        s *= 1 - rho
        deltas_sq *= rho
        deltas_sq += s
        t *= learning_rate
        variable.value -= t

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
