"""NumPy as kcore's array namespace."""

import numpy as np

from kcore.backend import Backend


class NumpyBackend(Backend):
    """Runs every kcore op with NumPy on the CPU.

    Example:
        >>> b = NumpyBackend()
        >>> b.rng(0).standard_normal((2,), dtype="float32").dtype
        dtype('float32')
    """

    name = "numpy"
    xp = np
    elementwise_block = 1 << 15  # 128 KiB of float32: an Adam step's four arrays of a block stay in L2

    def device(self):
        return "cpu"

    def is_array(self, x):
        return isinstance(x, (np.ndarray, np.generic))

    def to_numpy(self, x):
        return np.asarray(x)

    def rng(self, seed):
        return np.random.default_rng(seed)
