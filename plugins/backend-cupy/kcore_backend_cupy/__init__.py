"""The CuPy (NVIDIA GPU) backend of kcore. Importing it does not import CuPy."""

from kcore_backend_cupy.availability import load_cupy, unavailable_reason
from kcore_backend_cupy.backend import CupyBackend

__all__ = ["CupyBackend", "load_cupy", "unavailable_reason"]
