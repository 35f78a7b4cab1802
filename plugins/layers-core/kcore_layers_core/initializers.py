"""Weight initializers with Keras 3's class names, aliases, arguments and configs (registry kind "initializer").

An initializer is called as `initializer(shape, dtype=None)` and returns a backend array (`floatx()` by default).
Random ones take a `seed`: None draws from kcore's global seed generator, so two weights get different values and
`kcore.utils.set_random_seed(n)` repeats them; an int gives the same values at every call.

Example:
    >>> GlorotUniform(seed=1)((3, 2)).shape
    (3, 2)
"""

import math

from kcore import backend, config, random
from kcore.errors import ConfigError, DTypeError
from kcore_layers_core import checks


def _dtype(dtype):
    return str(getattr(dtype, "name", dtype)) if dtype is not None else config.floatx()


def _float_dtype(initializer, dtype):
    dtype = _dtype(dtype)
    if "float" not in dtype:
        raise DTypeError(f"{type(initializer).__name__} draws floats and cannot initialize a weight of dtype "
                         f"{dtype!r}. Use a float dtype, or Zeros/Ones/Constant for integer weights.")
    return dtype


def compute_fans(shape):
    """(fan_in, fan_out) of a weight of `shape`, as Keras computes them: a kernel's last two axes are
    (inputs, outputs) and any leading axes are its receptive field."""
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    """Base class: subclasses implement `__call__(shape, dtype=None)` and `get_config`."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} does not implement __call__(shape, dtype=None).")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return backend.get().xp.zeros(tuple(shape), dtype=_dtype(dtype))


class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return backend.get().xp.ones(tuple(shape), dtype=_dtype(dtype))


class Constant(Initializer):
    """Every entry equal to `value` (a number, or an array that broadcasts to the shape)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        xp = backend.get().xp
        value = xp.asarray(self.value, dtype=_dtype(dtype))
        return xp.broadcast_to(value, tuple(shape)).copy()

    def get_config(self):
        value = self.value
        return {"value": value.tolist() if hasattr(value, "tolist") else value}


class RandomInitializer(Initializer):
    """Base of the random initializers: holds the `seed` (None, an int, or a kcore.random.SeedGenerator)."""

    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, random.SeedGenerator):
            seed = checks.seed(type(self).__name__, seed)
        self.seed = seed

    def get_config(self):
        return {"seed": self.seed if not isinstance(self.seed, random.SeedGenerator) else self.seed.state[0]}


class RandomNormal(RandomInitializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean = checks.number("RandomNormal", "mean", mean)
        self.stddev = checks.number("RandomNormal", "stddev", stddev, low=0)

    def __call__(self, shape, dtype=None):
        return random.normal(shape, self.mean, self.stddev, dtype=_float_dtype(self, dtype), seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class RandomUniform(RandomInitializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval = checks.number("RandomUniform", "minval", minval)
        self.maxval = checks.number("RandomUniform", "maxval", maxval)
        if self.maxval < self.minval:
            raise ConfigError(f"RandomUniform: `maxval` must be >= `minval`. Received: minval={minval!r}, "
                              f"maxval={maxval!r}")

    def __call__(self, shape, dtype=None):
        return random.uniform(shape, self.minval, self.maxval, dtype=_float_dtype(self, dtype), seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class TruncatedNormal(RandomInitializer):
    """Normal values, with those beyond two standard deviations drawn again."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean = checks.number("TruncatedNormal", "mean", mean)
        self.stddev = checks.number("TruncatedNormal", "stddev", stddev, low=0)

    def __call__(self, shape, dtype=None):
        return random.truncated_normal(shape, self.mean, self.stddev, dtype=_float_dtype(self, dtype),
                                       seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")
_TRUNCATED_STDDEV = 0.87962566103423978  # std of a unit normal truncated to [-2, 2]


class VarianceScaling(RandomInitializer):
    """Values whose variance is `scale / n`, n being fan_in, fan_out or their mean (`mode`), drawn from a
    truncated normal, a normal or a uniform (`distribution`)."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        name = type(self).__name__
        self.scale = checks.number(name, "scale", scale)
        if self.scale <= 0:
            raise ConfigError(f"{name}: `scale` must be positive. Received: scale={scale!r}")
        self.mode = str(mode).lower()
        if self.mode not in _MODES:
            raise ConfigError(f"{name}: `mode` must be one of {_MODES}. Received: mode={mode!r}")
        self.distribution = "truncated_normal" if str(distribution).lower() == "normal" else str(distribution).lower()
        if self.distribution not in _DISTRIBUTIONS:
            raise ConfigError(f"{name}: `distribution` must be one of {_DISTRIBUTIONS}. "
                              f"Received: distribution={distribution!r}")

    def __call__(self, shape, dtype=None):
        dtype = _float_dtype(self, dtype)
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, fan)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return random.uniform(shape, -limit, limit, dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random.normal(shape, 0.0, math.sqrt(variance), dtype=dtype, seed=self.seed)
        return random.truncated_normal(shape, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV, dtype=dtype,
                                       seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                **super().get_config()}


class _NamedVarianceScaling(VarianceScaling):
    """A VarianceScaling with fixed arguments, whose config holds only its seed (as Keras's)."""

    arguments = (1.0, "fan_in", "truncated_normal")  # scale, mode, distribution

    def __init__(self, seed=None):
        super().__init__(*self.arguments, seed=seed)

    def get_config(self):
        return RandomInitializer.get_config(self)


class GlorotUniform(_NamedVarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)) (Xavier uniform)."""

    arguments = (1.0, "fan_avg", "uniform")


class GlorotNormal(_NamedVarianceScaling):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out)) (Xavier normal)."""

    arguments = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_NamedVarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(6 / fan_in)."""

    arguments = (2.0, "fan_in", "uniform")


class HeNormal(_NamedVarianceScaling):
    """Truncated normal with stddev sqrt(2 / fan_in)."""

    arguments = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_NamedVarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(3 / fan_in)."""

    arguments = (1.0, "fan_in", "uniform")


class LecunNormal(_NamedVarianceScaling):
    """Truncated normal with stddev sqrt(1 / fan_in)."""

    arguments = (1.0, "fan_in", "truncated_normal")


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix times `gain`: for a shape (..., n), the rows of the (prod(...), n) matrix are
    orthonormal when there are fewer rows than columns, else its columns are."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = checks.number("Orthogonal", "gain", gain)

    def __call__(self, shape, dtype=None):
        dtype = _float_dtype(self, dtype)
        shape = tuple(shape)
        if len(shape) < 2:
            raise ConfigError(f"Orthogonal initializes weights of rank >= 2; received shape {shape} of rank "
                              f"{len(shape)}.")
        xp = backend.get().xp
        rows, cols = math.prod(shape[:-1]), shape[-1]
        q, r = xp.linalg.qr(random.normal((max(rows, cols), min(rows, cols)), dtype=dtype, seed=self.seed))
        q *= xp.sign(xp.diagonal(r))  # makes the decomposition unique, so q is uniformly distributed
        if rows < cols:
            q = q.T
        return (q * self.gain).reshape(shape).astype(dtype, copy=False)

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D weights only; a non-square one gets ones on its diagonal)."""

    def __init__(self, gain=1.0):
        self.gain = checks.number("Identity", "gain", gain)

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ConfigError(f"Identity initializes 2-D weights only; received shape {shape}.")
        return backend.get().xp.eye(*shape, dtype=_dtype(dtype)) * self.gain

    def get_config(self):
        return {"gain": self.gain}


CLASSES = (Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotUniform,
           GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, Identity)

#: registered name -> class: class names, their snake_case, and Keras 3's extra aliases
INITIALIZERS = {cls.__name__: cls for cls in CLASSES}
INITIALIZERS.update({"zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
                     "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal,
                     "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
                     "glorot_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
                     "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal, "orthogonal": Orthogonal,
                     "identity": Identity, "OrthogonalInitializer": Orthogonal, "IdentityInitializer": Identity,
                     "uniform": RandomUniform, "normal": RandomNormal, "zero": Zeros, "one": Ones})
