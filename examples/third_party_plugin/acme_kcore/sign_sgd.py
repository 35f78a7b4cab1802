"""SignSGD: gradient descent on the sign of the gradient."""

from kcore import backend
from kcore.errors import ConfigError
from kcore.optimizers import Optimizer


class SignSGD(Optimizer):
    """Moves every weight by `learning_rate` against the sign of its gradient (Bernstein et al., 2018); with
    `momentum`, against the sign of a running average of gradients (their "Signum"):

        m = momentum * m + (1 - momentum) * g
        w = w - learning_rate * sign(m)

    Example:
        >>> opt = SignSGD(learning_rate=0.1)
        >>> w = kcore.Variable([1.0, 1.0])
        >>> opt.apply([np.array([3.0, -0.5], "float32")], [w])
        >>> w.numpy()
        array([0.9, 1.1], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, momentum=0.0, name="sign_sgd", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if isinstance(momentum, bool) or not isinstance(momentum, int | float) or not 0 <= momentum < 1:
            raise ConfigError(f"SignSGD: `momentum` must be a number in [0, 1). Received: momentum={momentum!r}")
        self.momentum = float(momentum)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list] if self.momentum else []

    def update_step(self, gradient, variable, learning_rate):
        xp = backend.get().xp
        gradient = gradient.astype(variable.value.dtype, copy=False)
        if self.momentum:
            m = self.momentums[self._var_index(variable)].value
            m *= self.momentum
            m += (1.0 - self.momentum) * gradient
            gradient = m
        variable.value -= learning_rate * xp.sign(gradient)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum}
