"""`NCCLCommunicator`: the collectives between GPUs, through NCCL (CuPy's bindings), for the CuPy backend.

One process per GPU. MPI starts the processes, picks each one's GPU (its rank among the processes of its host),
hands NCCL's unique id from process 0 to the others, carries Python objects and barriers, and ends the job when
a process fails; NCCL moves the gradients, device to device (NVLink, InfiniBand with GPUDirect), on the current
CUDA stream. Every collective is followed by a wait on that stream under the same watchdog as MPI's, so a peer
that died ends the job instead of leaving a kernel waiting for ever.

Not yet run on a GPU: see this plugin's README.
"""

from kcore.distribution import Communicator
from kcore.errors import MissingDependencyError

_NCCL_TYPES = {"float16": "NCCL_FLOAT16", "float32": "NCCL_FLOAT32", "float64": "NCCL_FLOAT64", "int8": "NCCL_INT8",
               "uint8": "NCCL_UINT8", "bool": "NCCL_UINT8", "int32": "NCCL_INT32", "uint32": "NCCL_UINT32",
               "int64": "NCCL_INT64", "uint64": "NCCL_UINT64"}


def load_nccl():
    """`(cupy, cupy.cuda.nccl)`, or an error saying what is missing."""
    try:
        import cupy
        from cupy.cuda import nccl
    except ImportError as e:
        raise MissingDependencyError(f"The 'nccl' communicator needs CuPy with NCCL ({e}). Install the CuPy backend "
                                     f"for your CUDA version: pip install \"kcore-backend-cupy[cuda12]\" (NCCL comes "
                                     f"with CuPy's wheels: pip install nvidia-nccl-cu12 if it is missing), or use "
                                     f"communicator='mpi' on the CPU.") from e
    if not getattr(nccl, "available", True):
        raise MissingDependencyError("CuPy is installed but was built without NCCL: pip install nvidia-nccl-cu12 "
                                     "(or cu13), or use communicator='mpi'.")
    return cupy, nccl


class NCCLCommunicator(Communicator):
    """Collectives over one GPU per process, on CuPy arrays.

    Creating it selects this process's GPU (`cupy.cuda.Device(local_rank).use()`), so create it (through
    `DataParallel()` with the CuPy backend configured) before the model. Objects, barriers and failures go
    through MPI.

    Args:
        timeout: seconds a collective may wait for the other processes before the job is ended.
    """

    name = "nccl"

    def __init__(self, timeout=600.0):
        from kcore_distribute_mpi.plugin import mpi

        self.mpi = mpi(timeout)  # the process's MPI communicator (one fault handler per process)
        self.rank, self.size = self.mpi.rank, self.mpi.size
        self.cupy, self.nccl = cupy, nccl = load_nccl()
        MPI = self.mpi.MPI
        local = self.mpi.comm.Split_type(MPI.COMM_TYPE_SHARED, key=self.rank)
        local_rank, local_size = local.Get_rank(), local.Get_size()
        count = cupy.cuda.runtime.getDeviceCount()
        if local_size > count:
            self.mpi.abort(f"{local_size} processes share this host and it has {count} GPU(s): the 'nccl' "
                           f"communicator runs one process per GPU. Launch at most {count} per host "
                           f"(mpiexec -ppn {count}, srun --ntasks-per-node={count} --gpus-per-task=1).")
        self.device = local_rank
        cupy.cuda.Device(self.device).use()
        self.devices_by_rank = self.mpi.comm.allgather(self.device)
        unique_id = self.mpi.broadcast_object(nccl.get_unique_id() if self.rank == 0 else None)
        self.comm = self._run("setting up NCCL", lambda: nccl.NcclCommunicator(self.size, unique_id, self.rank))
        if self.mpi.faults is not None:
            self.mpi.faults.on_abort.append(self.comm.abort)  # frees a kernel waiting for a dead peer

    def __repr__(self):
        return f"<NCCLCommunicator process {self.rank} of {self.size}, GPU {self.device}>"

    def faults_handler(self):
        return self.mpi.faults

    def devices(self):
        return [f"gpu:{i}" for i in range(self.size)]

    def _type(self, buffer):
        name = _NCCL_TYPES.get(str(buffer.dtype))
        if name is None:
            raise TypeError(f"NCCLCommunicator: NCCL cannot reduce arrays of dtype {buffer.dtype}.")
        return getattr(self.nccl, name)

    def _run(self, what, launch):
        """Launch NCCL work, then wait for the stream under the watchdog (a dead peer must not hang us)."""
        stream = self.cupy.cuda.get_current_stream()
        if self.mpi.faults is None:
            return launch()
        with self.mpi.faults.waiting(what):
            result = launch()
            stream.synchronize()
        return result

    def _grouped(self, what, call):
        def launch():
            self.nccl.groupStart()
            try:
                for args in call:
                    args()
            finally:
                self.nccl.groupEnd()

        self._run(what, launch)

    def allreduce(self, buffers):
        if self.size == 1:
            return
        stream = self.cupy.cuda.get_current_stream().ptr
        calls = [lambda b=b: self.comm.allReduce(b.data.ptr, b.data.ptr, b.size, self._type(b), self.nccl.NCCL_SUM,
                                                 stream) for b in buffers]
        self._grouped(f"an NCCL all-reduce of {sum(b.nbytes for b in buffers)} bytes", calls)

    def broadcast(self, buffers, root=0):
        if self.size == 1:
            return
        stream = self.cupy.cuda.get_current_stream().ptr
        calls = [lambda b=b: self.comm.bcast(b.data.ptr, b.size, self._type(b), root, stream) for b in buffers]
        self._grouped(f"an NCCL broadcast from process {root}", calls)

    def broadcast_object(self, value, root=0):
        return self.mpi.broadcast_object(value, root)

    def barrier(self):
        self.mpi.barrier()

    def abort(self, message):
        self.mpi.abort(message)
