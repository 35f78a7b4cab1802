"""The contract of a communication engine: what a distribution plugin provides so that `DataParallel` can train
one model on many processes.

kcore writes no networking of its own. A plugin wraps an existing engine (MPI through mpi4py, NCCL through
CuPy: kcore-distribute-mpi provides both) and registers a factory under the kind "distribution":

    @hookimpl
    def kcore_register(registry):
        registry.add("distribution", "mpi", MPICommunicator)

`factory(timeout=seconds)` returns a `Communicator` joined to every other process of the job. Every method
below is collective: each process calls it, in the same order, with buffers of the same shapes and dtypes.
"""


class Communicator:
    """Collectives over the processes of one job, on arrays of the active backend (`kcore.backend.get().xp`).

    `rank` is this process's index (0 is the chief, the process that prints and writes files) and `size` the
    number of processes. A collective that cannot complete (a process died, or hangs) must not hang the others
    for ever: after `timeout` seconds the implementation ends the whole job with an error on every process.
    """

    name = None
    rank = 0
    size = 1

    def devices(self):
        """One device name per process, in rank order, as `list_devices` gives them (e.g. "cpu:0", "gpu:1")."""
        return [f"cpu:{i}" for i in range(self.size)]

    def allreduce(self, buffers):
        """Replace each buffer (a flat array) by its sum over every process, in place. All buffers are reduced
        in one collective phase: start them all, then wait."""
        raise NotImplementedError(f"{type(self).__name__} does not implement allreduce.")

    def broadcast(self, buffers, root=0):
        """Overwrite each buffer on every process with the `root` process's values, in place."""
        raise NotImplementedError(f"{type(self).__name__} does not implement broadcast.")

    def broadcast_object(self, value, root=0):
        """The `root` process's `value` (anything picklable) on every process."""
        raise NotImplementedError(f"{type(self).__name__} does not implement broadcast_object.")

    def barrier(self):
        """Return once every process has called it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement barrier.")

    def abort(self, message):
        """End every process of the job now, after printing `message` (never returns)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement abort.")
