"""Adafactor: Adam-like steps with a second moment kept as row and column statistics (Shazeer and Stern, 2018)."""

import math

from kcore.errors import ConfigError
from kcore.optimizers import Optimizer
from kcore_optimizers.common import check_positive, in_dtype_of, xp


class Adafactor(Optimizer):
    """Keras 3's Adafactor, at step t = iterations + 1:

        rho = min(learning_rate, 1 / sqrt(t));  alpha = max(epsilon_2, rms(w)) * rho
        beta_2 = 1 - t**beta_2_decay;  G = g**2 + epsilon_1
        variables of rank >= 2 (factored over the last two axes):
            r = beta_2 * r + (1 - beta_2) * mean(G, axis=-1)
            c = beta_2 * c + (1 - beta_2) * mean(G, axis=-2)
            v = (r / mean(r, axis=-1))[..., :, None] * c[..., None, :]
        other variables:  v = beta_2 * v + (1 - beta_2) * G
        u = g / sqrt(v);  w -= alpha * u / max(1, rms(u) / clip_threshold)

    State, per variable and in Keras's order: `r`, `c` (shapes `w.shape[:-1]` and `w.shape[:-2] + w.shape[-1:]`,
    named after the variable; for a variable of rank < 2 both are unused scalars that Keras also creates and
    saves), then `velocity` (w's shape, where `v` is kept). As in Keras, the relative step `1 / sqrt(t)` caps the
    learning rate whatever `relative_step` says: the argument is kept for configuration compatibility.

    Example:
        >>> Adafactor().get_config()["beta_2_decay"]
        -0.8
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
                 relative_step=True, name="adafactor", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if isinstance(beta_2_decay, bool) or not isinstance(beta_2_decay, (int, float)) or beta_2_decay >= 0:
            raise ConfigError(f"Adafactor: `beta_2_decay` must be a negative number (beta_2 = 1 - t**beta_2_decay "
                              f"must tend to 1). Received: beta_2_decay={beta_2_decay!r}")
        self.beta_2_decay = float(beta_2_decay)
        self.epsilon_1 = check_positive("Adafactor", "epsilon_1", epsilon_1, allow_zero=True)
        self.epsilon_2 = check_positive("Adafactor", "epsilon_2", epsilon_2, allow_zero=True)
        self.clip_threshold = check_positive("Adafactor", "clip_threshold", clip_threshold)
        self.relative_step = bool(relative_step)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for v in var_list:
            dtype = str(v.dtype)
            if len(v.shape) < 2:
                r_shape = c_shape = ()
            else:
                r_shape, c_shape = v.shape[:-1], (*v.shape[:-2], v.shape[-1])
            self._r.append(self.add_variable(r_shape, "zeros", dtype, v.name))
            self._c.append(self.add_variable(c_shape, "zeros", dtype, v.name))
            self._v.append(self.add_variable_from_reference(v, "velocity"))

    def update_step(self, gradient, variable, learning_rate):
        np_ = xp()
        gradient = in_dtype_of(gradient, variable)
        step = int(self.iterations.value) + 1
        index = self._var_index(variable)
        w = variable.value
        rho = min(learning_rate, 1 / math.sqrt(step))
        alpha = max(self.epsilon_2, _rms(np_, w)) * rho
        beta_2 = 1 - step**self.beta_2_decay
        g2 = np_.square(gradient)  # the one temporary the size of w
        g2 += self.epsilon_1
        v = self._v[index].value
        if w.ndim >= 2:
            r, c = self._r[index].value, self._c[index].value
            r *= beta_2
            r += (1 - beta_2) * np_.mean(g2, axis=-1)
            c *= beta_2
            c += (1 - beta_2) * np_.mean(g2, axis=-2)
            np_.multiply((r / np_.mean(r, axis=-1, keepdims=True))[..., :, None], c[..., None, :], out=v)
        else:
            v *= beta_2
            g2 *= 1 - beta_2
            v += g2
        u = np_.sqrt(v, out=g2)
        np_.divide(gradient, u, out=u)
        u *= alpha / max(1.0, _rms(np_, u) / self.clip_threshold)
        w -= u

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step}


def _rms(np_, x):
    """Root mean square of all of `x`, as a Python float."""
    return math.sqrt(float(np_.mean(np_.square(x)))) if x.size else 0.0
