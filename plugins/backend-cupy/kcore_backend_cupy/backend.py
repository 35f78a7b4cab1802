"""CuPy as kcore's array namespace: every op, written once against `xp`, runs on the GPU unchanged."""

import numbers

from kcore.backend import Backend
from kcore_backend_cupy.availability import load_cupy


class CupyBackend(Backend):
    """Runs every kcore op with CuPy on the current CUDA device.

    Constructing it imports CuPy and checks that a GPU is visible; where either is missing it raises a
    `BackendError` saying which and how to fix it, so selecting the backend fails at once, not at the first op.
    Arrays stay on the device; `to_numpy` is the one way back to the host (what `predict`, `Variable.numpy` and
    saving go through).

    Example:
        >>> b = CupyBackend()  # doctest: +SKIP
        >>> b.device(), b.rng(0).standard_normal((2,), dtype="float32").dtype  # doctest: +SKIP
        ('cuda:0', dtype('float32'))
    """

    name = "cupy"

    def __init__(self):
        self.xp = load_cupy()

    def device(self):
        return f"cuda:{self.xp.cuda.Device().id}"

    def is_array(self, x):
        return isinstance(x, self.xp.ndarray)

    def to_numpy(self, x):
        return self.xp.asnumpy(x)  # copies device arrays to the host; NumPy arrays and scalars pass through

    def rng(self, seed):
        return Random(self.xp, seed)

    def synchronize(self):
        self.xp.cuda.get_current_stream().synchronize()


class Random:
    """The NumPy Generator methods kcore draws with, on the GPU.

    cuRAND's Philox4x32-10 rather than CuPy's default XORWOW: kcore makes a generator for every seeded draw
    (each dropout mask), and Philox sets up its per-thread states without XORWOW's costly skip-ahead. The streams
    differ from NumPy's, so seeded draws repeat on this backend but do not equal the NumPy backend's.
    """

    def __init__(self, cupy, seed):
        self._xp = cupy
        self._generator = cupy.random.Generator(cupy.random.Philox4x3210(seed))

    def standard_normal(self, size=None, dtype="float64"):
        if self._xp.dtype(dtype) in (self._xp.float32, self._xp.float64):
            return self._generator.standard_normal(size, dtype=dtype)
        return self._generator.standard_normal(size, dtype="float32").astype(dtype)  # float16: CuPy draws f4/f8

    def random(self, size=None, dtype="float64"):
        return self._generator.random(size, dtype=dtype)

    def integers(self, low, high=None, size=None, dtype="int64"):
        return self._generator.integers(low, high, size=size, dtype=dtype)

    def permutation(self, x):
        """A shuffled `arange(x)` for an int, else a shuffled copy of `x` along its first axis (CuPy's Generator
        has no permutation: the order of uniform draws is one)."""
        is_length = isinstance(x, numbers.Integral)
        n = int(x) if is_length else len(x)
        order = self._xp.argsort(self._generator.random(n, dtype="float64"))
        return order if is_length else self._xp.asarray(x)[order]
