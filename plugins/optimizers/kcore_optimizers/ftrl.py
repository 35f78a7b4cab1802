"""Ftrl: follow the regularized leader (McMahan et al., 2013), for wide, sparse linear models."""

from kcore.errors import ConfigError
from kcore.optimizers import Optimizer
from kcore_optimizers.common import check_positive, in_dtype_of, xp


class Ftrl(Optimizer):
    """Keras 3's Ftrl, with p = -learning_rate_power, lambda_1 = l1_regularization_strength and
    lambda_2 = l2_regularization_strength + beta / (2 * learning_rate):

        g_s = g + 2 * l2_shrinkage_regularization_strength * w
        n_new = n + g**2                                   (n starts at initial_accumulator_value)
        z += g_s - (n_new**p - n**p) / learning_rate * w
        w = (clip(z, -lambda_1, lambda_1) - z) / (n_new**p / learning_rate + 2 * lambda_2)
        n = n_new

    Its slots are Keras's `accumulator` (n) and `linear` (z), interleaved per variable.

    Example:
        >>> Ftrl().get_config()["learning_rate_power"]
        -0.5
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, name="ftrl", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if isinstance(learning_rate_power, bool) or not isinstance(learning_rate_power, (int, float)) \
                or learning_rate_power > 0:
            raise ConfigError("Ftrl: `learning_rate_power` must be a number <= 0 (0 for a fixed learning rate). "
                              f"Received: learning_rate_power={learning_rate_power!r}")
        self.learning_rate_power = float(learning_rate_power)
        self.initial_accumulator_value = check_positive("Ftrl", "initial_accumulator_value",
                                                        initial_accumulator_value, allow_zero=True)
        self.l1_regularization_strength = check_positive("Ftrl", "l1_regularization_strength",
                                                         l1_regularization_strength, allow_zero=True)
        self.l2_regularization_strength = check_positive("Ftrl", "l2_regularization_strength",
                                                         l2_regularization_strength, allow_zero=True)
        self.l2_shrinkage_regularization_strength = check_positive(
            "Ftrl", "l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength, allow_zero=True)
        self.beta = check_positive("Ftrl", "beta", beta, allow_zero=True)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = [], []
        for v in var_list:  # interleaved, in Keras's order
            self._accumulators.append(
                self.add_variable_from_reference(v, "accumulator", self.initial_accumulator_value))
            self._linears.append(self.add_variable_from_reference(v, "linear"))

    def update_step(self, gradient, variable, learning_rate):
        np_ = xp()
        gradient = in_dtype_of(gradient, variable)
        index = self._var_index(variable)
        n, z, w = self._accumulators[index].value, self._linears[index].value, variable.value
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + (self.beta / (2.0 * learning_rate) if self.beta else 0.0)
        n_power = np_.power(n, power)  # two temporaries: n**p, then n_new**p
        n += np_.square(gradient)
        n_new_power = np_.power(n, power)
        z += gradient
        if self.l2_shrinkage_regularization_strength:
            z += (2 * self.l2_shrinkage_regularization_strength) * w
        np_.subtract(n_new_power, n_power, out=n_power)
        n_power /= learning_rate
        n_power *= w
        z -= n_power
        n_new_power /= learning_rate
        n_new_power += 2 * l2
        np_.clip(z, -l1, l1, out=n_power)
        n_power -= z
        np_.divide(n_power, n_new_power, out=w)

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
