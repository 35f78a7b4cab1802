"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from kcore.optimizers import Optimizer
from kcore_optimizers.common import check_fraction, in_dtype_of, xp


class SGD(Optimizer):
    """Gradient descent with momentum (Keras 3's update):

        m = momentum * m - learning_rate * g
        w = w + m                                       (nesterov=False)
        w = w + momentum * m - learning_rate * g        (nesterov=True)

    and `w = w - learning_rate * g` when `momentum` is 0 (then no slot is created).

    Example:
        >>> import numpy as np, kcore
        >>> opt = SGD(learning_rate=0.1, momentum=0.9)
        >>> w = kcore.Variable([1.0])
        >>> opt.apply([np.array([1.0], "float32")], [w])
        >>> w.numpy()
        array([0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = check_fraction("SGD", "momentum", momentum)
        self.nesterov = bool(nesterov)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list] if self.momentum else []

    def update_step(self, gradient, variable, learning_rate):
        gradient = in_dtype_of(gradient, variable)
        step = gradient * -learning_rate  # the one temporary
        if not self.momentum:
            variable.value += step
            return
        m = self.momentums[self._var_index(variable)].value
        m *= self.momentum
        m += step
        if self.nesterov:
            variable.value += step
            xp().multiply(m, self.momentum, out=step)
            variable.value += step
        else:
            variable.value += m

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
