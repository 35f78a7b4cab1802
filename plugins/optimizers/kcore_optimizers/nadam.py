"""Nadam: Adam with Nesterov momentum."""

from kcore import config
from kcore.optimizers import Optimizer
from kcore_optimizers.common import check_fraction, check_positive, in_dtype_of, moment_slots, xp


class Nadam(Optimizer):
    """Keras 3's Nadam, with Dozat's momentum schedule `u_t = beta_1 * (1 - 0.5 * 0.96**t)` at step
    t = iterations + 1, and `u_product` = u_1 * ... * u_t kept as optimizer state:

        m += (g - m) * (1 - beta_1);  v += (g**2 - v) * (1 - beta_2)
        m_hat = u_{t+1} * m / (1 - u_product * u_{t+1}) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - beta_2**t)
        w -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    Example:
        >>> Nadam().get_config()["epsilon"]
        1e-07
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="nadam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_fraction("Nadam", "beta_1", beta_1, closed=False)
        self.beta_2 = check_fraction("Nadam", "beta_2", beta_2, closed=False)
        self.epsilon = check_positive("Nadam", "epsilon", epsilon, allow_zero=True)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = moment_slots(self, var_list)
        dtype = str(var_list[0].dtype) if var_list else config.floatx()
        self._u_product = self.add_variable((), 1.0, dtype, "u_product")

    def _momentum_cache(self, step):
        return self.beta_1 * (1.0 - 0.5 * 0.96**step)

    def apply_updates(self, grads, variables, learning_rate):
        self._u_product.value *= self._momentum_cache(int(self.iterations.value) + 1)  # once per step, first
        coefficients = self._coefficients()
        for gradient, variable in zip(grads, variables, strict=True):
            self._update(gradient, variable, learning_rate, *coefficients)

    def update_step(self, gradient, variable, learning_rate):
        """One variable's update with this step's `u_product` (which `apply_updates` advances first)."""
        self._update(gradient, variable, learning_rate, *self._coefficients())

    def _coefficients(self):
        t = int(self.iterations.value) + 1
        u_t, u_next = self._momentum_cache(t), self._momentum_cache(t + 1)
        u_product = float(self._u_product.value)
        return u_next / (1 - u_product * u_next), (1 - u_t) / (1 - u_product), 1 / (1 - self.beta_2**t)

    def _update(self, gradient, variable, learning_rate, m_coefficient, g_coefficient, v_coefficient):
        np_ = xp()
        gradient = in_dtype_of(gradient, variable)
        index = self._var_index(variable)
        m, v = self._momentums[index].value, self._velocities[index].value
        t = gradient - m  # two temporaries
        t *= 1 - self.beta_1
        m += t
        np_.square(gradient, out=t)
        t -= v
        t *= 1 - self.beta_2
        v += t
        np_.multiply(m, m_coefficient, out=t)  # t = m_hat
        s = gradient * g_coefficient
        t += s
        np_.multiply(v, v_coefficient, out=s)  # s = sqrt(v_hat) + epsilon
        np_.sqrt(s, out=s)
        s += self.epsilon
        t /= s
        t *= learning_rate
        variable.value -= t

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
