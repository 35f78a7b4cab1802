"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""

from kcore.optimizers import Optimizer
from kcore_optimizers.common import check_fraction, check_positive, in_dtype_of, xp


class RMSprop(Optimizer):
    """Keras 3's RMSprop:

        v = rho * v + (1 - rho) * g**2
        a = rho * a + (1 - rho) * g                      (centered only)
        increment = learning_rate * g / sqrt(v - a**2 + epsilon)   (or sqrt(v + epsilon) when not centered)
        m = momentum * m + increment; w = w - m          (w = w - increment when momentum is 0)

    Example:
        >>> opt = RMSprop(learning_rate=0.001)
        >>> opt.get_config()["rho"]
        0.9
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, name="rmsprop",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = check_fraction("RMSprop", "rho", rho)
        self.momentum = check_fraction("RMSprop", "momentum", momentum)
        self.epsilon = check_positive("RMSprop", "epsilon", epsilon, allow_zero=True)
        self.centered = bool(centered)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]
        self._momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list] \
            if self.momentum > 0 else []
        self._average_gradients = [self.add_variable_from_reference(v, "average_gradient") for v in var_list] \
            if self.centered else []

    def update_step(self, gradient, variable, learning_rate):
        np_ = xp()
        gradient = in_dtype_of(gradient, variable)
        index = self._var_index(variable)
        rho = self.rho
        velocity = self._velocities[index].value
        t = np_.square(gradient)  # the one temporary
        t *= 1 - rho
        velocity *= rho
        velocity += t
        if self.centered:
            average = self._average_gradients[index].value
            average *= rho
            np_.multiply(gradient, 1 - rho, out=t)
            average += t
            np_.square(average, out=t)
            np_.subtract(velocity, t, out=t)
            t += self.epsilon
        else:
            np_.add(velocity, self.epsilon, out=t)
        np_.sqrt(t, out=t)
        np_.divide(gradient, t, out=t)
        t *= learning_rate
        if self.momentum > 0:
            m = self._momentums[index].value
            m *= self.momentum
            m += t
            variable.value -= m
        else:
            variable.value -= t

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}
