"""Utilities users expect from `keras.utils`."""

import random as _python_random


def __getattr__(name):
    if name == "PyDataset":
        from kcore.training.py_dataset import PyDataset

        return PyDataset
    raise AttributeError(f"module 'kcore.utils' has no attribute {name!r}")


def set_random_seed(seed):
    """Seed Python's `random`, NumPy's global generator and kcore's global seed, so that a whole run
    (initial weights, shuffling, dropout) repeats exactly on the NumPy backend."""
    import numpy

    from kcore import random

    _python_random.seed(seed)
    numpy.random.seed(seed)
    random.set_global_seed(seed)
