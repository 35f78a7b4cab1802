"""`MPICommunicator`: kcore's collectives over MPI processes, through mpi4py, on host (NumPy) arrays."""

from kcore.distribution import Communicator
from kcore.errors import MissingDependencyError

INSTALL = ("pip install mpi4py mpich (MPICH from PyPI, with its mpiexec), or on a cluster mpi4py built against "
           "the cluster's MPI: env MPICC=mpicc pip install --no-binary mpi4py mpi4py")


def load_mpi():
    """The `mpi4py.MPI` module (importing it starts MPI), or an error saying how to install it."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise MissingDependencyError(f"kcore-distribute-mpi needs mpi4py and an MPI library ({e}). Install them: "
                                     f"{INSTALL}.") from e
    return MPI


class MPICommunicator(Communicator):
    """Collectives over the processes `mpiexec` (or `srun`) started, on NumPy arrays.

    Started without a launcher (`python train.py`), it is a job of one process and every collective returns at
    once. With several, a failing process ends them all (`kcore_distribute_mpi.faults`).

    Args:
        timeout: seconds a collective may wait for the other processes before the job is ended.

    Example:
        >>> communicator = MPICommunicator()  # doctest: +SKIP
        >>> communicator.allreduce([numpy.ones(3, "float32")])  # doctest: +SKIP
    """

    name = "mpi"

    def __init__(self, timeout=600.0):
        self.MPI = MPI = load_mpi()
        self.comm = MPI.COMM_WORLD.Dup()
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self.faults = None
        if self.size > 1:
            from kcore_distribute_mpi.faults import FaultHandler

            self.faults = FaultHandler(MPI, timeout)

    def __repr__(self):
        return f"<MPICommunicator process {self.rank} of {self.size}>"

    def faults_handler(self):
        """The `FaultHandler` of this process (None in a job of one process)."""
        return self.faults

    def devices(self):
        return [f"cpu:{i}" for i in range(self.size)]

    def allreduce(self, buffers):
        if self.size == 1:
            return
        with self.faults.waiting(f"an all-reduce of {sum(b.nbytes for b in buffers)} bytes"):
            if len(buffers) == 1:
                self.comm.Allreduce(self.MPI.IN_PLACE, buffers[0])
            else:  # every bucket in flight at once, then one wait
                self.MPI.Request.Waitall([self.comm.Iallreduce(self.MPI.IN_PLACE, b) for b in buffers])

    def broadcast(self, buffers, root=0):
        if self.size == 1:
            return
        with self.faults.waiting(f"a broadcast from process {root}"):
            self.MPI.Request.Waitall([self.comm.Ibcast(b, root=root) for b in buffers])

    def broadcast_object(self, value, root=0):
        if self.size == 1:
            return value
        with self.faults.waiting(f"a broadcast from process {root}"):
            return self.comm.bcast(value, root=root)

    def barrier(self):
        if self.size > 1:
            with self.faults.waiting("a barrier"):
                self.comm.Barrier()

    def abort(self, message):
        if self.faults is not None:
            self.faults.fail(message)
        raise SystemExit(f"kcore: {message}")
