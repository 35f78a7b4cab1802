"""kcore's entry point into this distribution: registers the communicators `DataParallel` can use.

Registering imports neither mpi4py nor CuPy (importing mpi4py starts MPI): they are imported when a
communicator is created, i.e. when `kcore.distribution.DataParallel()` or `set_distribution("mpi")` runs.
"""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


_created = {}  # one communicator of each kind per process: a second DataParallel() reuses it


def _once(name, make, timeout):
    communicator = _created.get(name)
    if communicator is None:
        communicator = _created[name] = make(timeout=timeout)
    elif communicator.faults_handler() is not None:
        communicator.faults_handler().timeout = float(timeout)
    return communicator


def mpi(timeout=600.0):
    """The MPI communicator (processes on CPUs, NumPy arrays)."""
    from kcore_distribute_mpi.mpi import MPICommunicator

    return _once("mpi", MPICommunicator, timeout)


def nccl(timeout=600.0):
    """The NCCL communicator (one process per GPU, CuPy arrays; set up through MPI)."""
    from kcore_distribute_mpi.nccl import NCCLCommunicator

    return _once("nccl", NCCLCommunicator, timeout)


@hookimpl
def kcore_register(registry):
    registry.add("distribution", "mpi", mpi)
    registry.add("distribution", "nccl", nccl)
