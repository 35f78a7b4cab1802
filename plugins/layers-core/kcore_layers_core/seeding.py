"""The seed generators that random layers (Dropout, GaussianNoise, ...) keep."""

from kcore import random


def seed_generator(seed):
    """A `kcore.random.SeedGenerator` started from `seed`; when `seed` is None, from a draw of kcore's global
    seed generator, so that `kcore.utils.set_random_seed(n)` repeats the layer's noise too."""
    if seed is None:
        seed = int(random.randint((), 0, 2**31 - 1))
    return random.SeedGenerator(seed)
