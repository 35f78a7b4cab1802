"""Training one model on many processes and devices, with Keras 3's `keras.distribution` names.

    import kcore
    kcore.distribution.set_distribution(kcore.distribution.DataParallel())
    model.fit(x, y, batch_size=128)        # launched as: mpiexec -n 4 python train.py

`fit` then trains on every process at once: each takes its shard of every global batch, the gradients are
averaged with one all-reduce per step, and process 0 alone prints and saves. Setting `KCORE_DISTRIBUTION=mpi`
(or `nccl`) in the environment does the same for an unchanged script. The communication comes from a plugin
(kcore-distribute-mpi: MPI through mpi4py, NCCL through CuPy); this module is the contract and the logic they
share, and imports neither.
"""

import os

from kcore.distribution.communicator import Communicator
from kcore.distribution.data_parallel import DataParallel, shard_range
from kcore.distribution.distribution import Distribution
from kcore.errors import ConfigError

__all__ = ["Communicator", "DataParallel", "Distribution", "distribution", "is_chief", "list_devices",
           "set_distribution", "shard_range"]

_active = None
_environment_read = False


def set_distribution(value):
    """Make `value` the distribution `fit`, `evaluate` and saving use: a `Distribution` such as `DataParallel()`,
    the name of a communicator ("mpi", "nccl": `DataParallel(communicator=name)`), or None for one process."""
    global _active, _environment_read
    if isinstance(value, str):
        value = DataParallel(communicator=value)
    if value is not None and not isinstance(value, Distribution):
        raise ConfigError(f"set_distribution: expected a kcore.distribution.Distribution (e.g. DataParallel()), a "
                          f"communicator name such as 'mpi', or None. Received: {value!r}")
    _active, _environment_read = value, True


def distribution():
    """The active distribution, or None when training runs in this process alone.

    Unless `set_distribution` was called, the first call reads `KCORE_DISTRIBUTION` ("mpi", "nccl", or unset).
    """
    if _active is None and not _environment_read:
        name = os.environ.get("KCORE_DISTRIBUTION", "").strip()
        set_distribution(name or None)
    return _active


def is_chief():
    """Whether this process prints and writes files: True without a distribution, else only on process 0."""
    active = distribution()
    return active is None or active.is_chief


def list_devices(device_type=None):
    """The devices training can use, e.g. ["cpu:0"]; with a distribution, one per process of the job.

    Args:
        device_type: "cpu" or "gpu" to keep only those (default: every device).
    """
    active = distribution()
    if active is not None and hasattr(active, "devices"):
        devices = list(active.devices)
    else:
        from kcore import backend

        local = getattr(backend.get(), "devices", None)
        devices = list(local()) if callable(local) else [_device_name(backend.get().device())]
    if device_type is None:
        return devices
    if device_type.lower() not in ("cpu", "gpu"):
        raise ConfigError(f"list_devices: `device_type` must be 'cpu', 'gpu' or None. Received: {device_type!r}")
    return [d for d in devices if d.split(":")[0] == device_type.lower()]


def _device_name(device):
    """A backend's device description as Keras names devices: "cpu" -> "cpu:0", "cuda:1" -> "gpu:1"."""
    kind, _, index = str(device).partition(":")
    return f"{'gpu' if kind.lower() in ('cuda', 'gpu') else kind.lower()}:{index or 0}"
