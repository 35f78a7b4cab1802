"""Adagrad: per-parameter learning rates that shrink with the sum of past squared gradients."""

from kcore.optimizers import Optimizer
from kcore_optimizers.common import check_positive, in_dtype_of, xp


class Adagrad(Optimizer):
    """Keras 3's Adagrad:

        accumulator += g**2                                (starting from initial_accumulator_value)
        w -= learning_rate * g / sqrt(accumulator + epsilon)

    Example:
        >>> Adagrad().get_config()["initial_accumulator_value"]
        0.1
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, name="adagrad", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = check_positive("Adagrad", "initial_accumulator_value",
                                                        initial_accumulator_value, allow_zero=True)
        self.epsilon = check_positive("Adagrad", "epsilon", epsilon, allow_zero=True)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = [self.add_variable_from_reference(v, "accumulator", self.initial_accumulator_value)
                              for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        np_ = xp()
        gradient = in_dtype_of(gradient, variable)
        accumulator = self._accumulators[self._var_index(variable)].value
        t = np_.square(gradient)  # the one temporary
        accumulator += t
        np_.add(accumulator, self.epsilon, out=t)
        np_.sqrt(t, out=t)
        np_.divide(gradient, t, out=t)
        t *= learning_rate
        variable.value -= t

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
