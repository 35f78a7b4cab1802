"""Learning-rate schedules with Keras 3's formulas, names, defaults and config keys.

A schedule is called with the optimizer's step. For a Python number (or a 0-d array) it returns a Python float,
computed with `math` (the optimizer asks once per step, so this path must be cheap); for an array of steps,
e.g. `schedule(np.arange(1000))` to plot it, it returns an array in floatx. Each formula is written once
against a namespace `m` that is either `math`-like or the backend's `xp`.

Example:
    >>> ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.5)(2000)
    0.025
"""

import bisect
import itertools
import math

from kcore import backend, config
from kcore.errors import ConfigError
from kcore.optimizers.schedules import LearningRateSchedule


class _Scalar:
    """The few functions the formulas use, for Python floats."""

    floor = staticmethod(math.floor)
    ceil = staticmethod(math.ceil)
    cos = staticmethod(math.cos)
    log = staticmethod(math.log)
    minimum = staticmethod(min)

    @staticmethod
    def where(condition, x, y):
        return x if condition else y


def _namespace(step):
    """`(m, step)`: Python floats for a scalar step, a floatx array and the backend's `xp` for an array."""
    if isinstance(step, (int, float)) or getattr(step, "ndim", None) == 0:
        return _Scalar, float(step)
    xp = backend.get().xp
    return xp, xp.asarray(getattr(step, "value", step)).astype(config.floatx())


def _result(m, value):
    return float(value) if m is _Scalar else value


def _positive(schedule, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigError(f"{schedule}: `{name}` must be > 0. Received: {name}={value!r}")
    return value


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`, the exponent floored if `staircase`.

    Example:
        >>> ExponentialDecay(0.1, 100, 0.96, staircase=True)(150)
        0.096
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("ExponentialDecay", "decay_steps", decay_steps)
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        m, step = _namespace(step)
        p = step / self.decay_steps
        if self.staircase:
            p = m.floor(p)
        return _result(m, self.initial_learning_rate * self.decay_rate**p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` up to and including step `boundaries[0]`, `values[1]` up to `boundaries[1]`, ...,
    `values[-1]` after `boundaries[-1]`.

    Example:
        >>> schedule = PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
        >>> schedule(100), schedule(101), schedule(500)
        (1.0, 0.5, 0.1)
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ConfigError(f"PiecewiseConstantDecay: `values` must have one more entry than `boundaries`. "
                              f"Received: boundaries={boundaries}, values={values}")
        if any(b >= c for b, c in itertools.pairwise(boundaries)):
            raise ConfigError(f"PiecewiseConstantDecay: `boundaries` must be increasing. Received: {boundaries}")
        self.boundaries, self.values, self.name = boundaries, values, name

    def __call__(self, step):
        m, step = _namespace(step)
        if m is _Scalar:
            return float(self.values[bisect.bisect_left(self.boundaries, step)])
        index = m.searchsorted(m.asarray(self.boundaries, dtype=step.dtype), step, side="left")
        return m.asarray(self.values, dtype=step.dtype)[index]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From `initial_learning_rate` to `end_learning_rate` over `decay_steps` steps along
    `(initial - end) * (1 - step / decay_steps) ** power + end`; then constant, or, with `cycle`, restarting
    with `decay_steps` multiplied by `ceil(step / decay_steps)`.

    Example:
        >>> PolynomialDecay(0.1, 100, end_learning_rate=0.0)(50)
        0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("PolynomialDecay", "decay_steps", decay_steps)
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        m, step = _namespace(step)
        decay_steps = self.decay_steps
        if self.cycle:
            decay_steps = decay_steps * m.where(step == 0, 1.0, m.ceil(step / self.decay_steps))
        else:
            step = m.minimum(step, decay_steps)
        fraction = 1 - step / decay_steps
        span = self.initial_learning_rate - self.end_learning_rate
        return _result(m, span * fraction**self.power + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`, the ratio floored if `staircase`.

    Example:
        >>> InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)(2)
        0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("InverseTimeDecay", "decay_steps", decay_steps)
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        m, step = _namespace(step)
        p = step / self.decay_steps
        if self.staircase:
            p = m.floor(p)
        return _result(m, self.initial_learning_rate / (1 + self.decay_rate * p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


def _cosine(m, fraction, alpha):
    """`(1 - alpha) * 0.5 * (1 + cos(pi * fraction)) + alpha`."""
    return (1 - alpha) * (0.5 * (1.0 + m.cos(math.pi * fraction))) + alpha


class CosineDecay(LearningRateSchedule):
    """Cosine decay from `initial_learning_rate` (or from `warmup_target` after a linear warmup of
    `warmup_steps` steps) down to `alpha` times that rate over `decay_steps` steps (SGDR without restarts).

    Example:
        >>> CosineDecay(0.1, decay_steps=100)(50)
        0.05
        >>> CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=10)(5)
        0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("CosineDecay", "decay_steps", decay_steps)
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, (int, float)) or warmup_steps < 0:
            raise ConfigError(f"CosineDecay: `warmup_steps` must be >= 0. Received: warmup_steps={warmup_steps!r}")
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        m, step = _namespace(step)
        if self.warmup_target is None:
            step = m.minimum(step, self.decay_steps)
            return _result(m, self.initial_learning_rate * _cosine(m, step / self.decay_steps, self.alpha))
        step = m.minimum(step, self.decay_steps + self.warmup_steps)
        # linear from initial_learning_rate to warmup_target over warmup_steps (max(.., 1): no warmup, no division)
        warmup = self.initial_learning_rate + (self.warmup_target - self.initial_learning_rate) * (
            step / max(self.warmup_steps, 1))
        decay = self.warmup_target * _cosine(m, (step - self.warmup_steps) / self.decay_steps, self.alpha)
        return _result(m, m.where(step < self.warmup_steps, warmup, decay))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): the first period lasts `first_decay_steps` steps, each next one
    `t_mul` times longer, and each restart begins at `m_mul` times the previous peak.

    Example:
        >>> CosineDecayRestarts(0.1, first_decay_steps=100, t_mul=1.0)(150)
        0.05
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = _positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.t_mul = _positive("CosineDecayRestarts", "t_mul", t_mul)
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        m, step = _namespace(step)
        fraction = step / self.first_decay_steps
        t_mul = self.t_mul
        if t_mul == 1.0:
            restart = m.floor(fraction)
            fraction = fraction - restart
        else:  # periods of first * t_mul**i steps: the i-th starts after first * (1 - t_mul**i) / (1 - t_mul)
            restart = m.floor(m.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            start = (1.0 - t_mul**restart) / (1.0 - t_mul)
            fraction = (fraction - start) / t_mul**restart
        decayed = _cosine(m, fraction, 0.0) * self.m_mul**restart
        return _result(m, self.initial_learning_rate * ((1 - self.alpha) * decayed + self.alpha))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self.t_mul, "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}
