"""The NumPy backend of kcore."""

from kcore_backend_numpy.backend import NumpyBackend

__all__ = ["NumpyBackend"]
