"""Lion: sign momentum (evolved sign momentum, Chen et al., 2023)."""

from kcore.errors import ConfigError
from kcore.optimizers import Optimizer
from kcore_optimizers.common import check_fraction, in_dtype_of, xp


class Lion(Optimizer):
    """Keras 3's Lion: each step moves every weight by exactly `learning_rate` in the direction of an
    interpolated momentum's sign, and only then updates the momentum:

        w -= learning_rate * sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g

    Its steps have a larger norm than Adam's, so its learning rate is typically 3-10x smaller than AdamW's (and
    its `weight_decay` 3-10x larger). Its one slot per variable is Keras's `momentum`.

    Example:
        >>> opt = Lion(learning_rate=1e-4)
        >>> opt.get_config()["beta_2"]
        0.99
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, name="lion", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_fraction("Lion", "beta_1", beta_1)
        if self.beta_1 == 0:
            raise ConfigError("Lion: `beta_1` must be in (0, 1]; with beta_1=0 Lion degenerates to SignSGD. "
                              f"Received: beta_1={beta_1!r}")
        self.beta_2 = check_fraction("Lion", "beta_2", beta_2)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        np_ = xp()
        gradient = in_dtype_of(gradient, variable)
        m = self._momentums[self._var_index(variable)].value
        t = m * self.beta_1  # the one temporary
        t += (1 - self.beta_1) * gradient
        np_.sign(t, out=t)
        t *= learning_rate
        variable.value -= t
        m *= self.beta_2
        np_.multiply(gradient, 1 - self.beta_2, out=t)
        m += t

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
