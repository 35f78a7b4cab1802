"""Random numbers as Keras 3 has them: every function takes a `seed`.

- `seed=None` draws from the global `SeedGenerator`: different numbers each call, repeatable after
  `kcore.utils.set_random_seed(n)`.
- An int seed gives the same numbers on every call.
- A `SeedGenerator` (state a layer keeps) gives new numbers each call, repeatable from its initial seed.

Example:
    >>> from kcore import random
    >>> bool((random.normal((2,), seed=1) == random.normal((2,), seed=1)).all())
    True
"""

import random as _python_random

from kcore import backend, config
from kcore.errors import ConfigError


class SeedGenerator:
    """A seed that advances each time it is drawn from, so that a layer's dropout differs at every step.

    Its `state` (the initial seed and a counter) is all there is, so saving and restoring it repeats a run.
    """

    def __init__(self, seed=None, name=None):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ConfigError(f"SeedGenerator: `seed` must be an int or None. Received: seed={seed!r}")
        self.name = name or "seed_generator"
        # Unseeded, the seed comes from Python's `random`, which set_random_seed seeds: runs stay repeatable.
        self.state = [_python_random.randint(1, 10**9) if seed is None else seed, 0]

    def next(self):
        """The next seed, as a pair of ints."""
        seed = (self.state[0], self.state[1])
        self.state[1] += 1
        return seed


_global = None


def global_seed_generator():
    global _global
    if _global is None:
        _global = SeedGenerator()
    return _global


def set_global_seed(seed):
    global _global
    _global = SeedGenerator(seed)


def draw_seed(seed):
    """`seed` as something a backend generator accepts: an int, a pair, or the next global seed."""
    if seed is None:
        return global_seed_generator().next()
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, int) and not isinstance(seed, bool):
        return seed
    raise ConfigError(f"`seed` must be None, an int or a kcore.random.SeedGenerator. Received: seed={seed!r}")


def _rng(seed):
    return backend.get().rng(draw_seed(seed))


def _float(dtype):
    return dtype or config.floatx()


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    values = _rng(seed).standard_normal(tuple(shape), dtype=_float(dtype))
    return values * stddev + mean if (mean, stddev) != (0.0, 1.0) else values


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    values = _rng(seed).random(tuple(shape), dtype=_float(dtype))
    return values * (maxval - minval) + minval if (minval, maxval) != (0.0, 1.0) else values


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values, with any beyond two standard deviations drawn again."""
    rng = _rng(seed)
    values = rng.standard_normal(tuple(shape), dtype=_float(dtype))
    outside = abs(values) > 2
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()), dtype=_float(dtype))
        outside = abs(values) > 2
    return values * stddev + mean


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return _rng(seed).integers(minval, maxval, size=tuple(shape), dtype=dtype)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """For each row of `logits` (batch, classes), `num_samples` class indices drawn from softmax(logits)."""
    from kcore import ops

    xp = backend.get().xp
    logits = ops.convert_to_tensor(logits)
    probabilities = ops.softmax(logits.astype("float64"), axis=-1)
    cumulative = xp.cumsum(probabilities, axis=-1)
    draws = _rng(seed).random((logits.shape[0], num_samples), dtype="float64")
    picks = (draws[:, :, None] > cumulative[:, None, :]).sum(axis=-1)
    return xp.minimum(picks, logits.shape[-1] - 1).astype(dtype)


def shuffle(x, axis=0, seed=None):
    """`x` with its entries along `axis` in a random order."""
    from kcore import ops

    x = ops.convert_to_tensor(x)
    order = _rng(seed).permutation(x.shape[axis])
    return backend.get().xp.take(x, order, axis=axis)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each entry with probability `rate` and scale the others by 1 / (1 - rate); differentiable."""
    from kcore import ops

    if not 0 <= rate < 1:
        raise ConfigError(f"dropout: `rate` must be in [0, 1). Received: rate={rate!r}")
    if rate == 0:
        return inputs
    shape = tuple(noise_shape) if noise_shape is not None else tuple(inputs.shape)
    keep = _rng(seed).random(shape, dtype=inputs.dtype) >= rate
    return ops.multiply(inputs, keep.astype(inputs.dtype) * (1 / (1 - rate)))
