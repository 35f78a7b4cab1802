"""`DataParallel`: one copy of the model per process, each process training on its shard of every global batch.

Per step, each process runs the forward and backward pass on its rows, then one all-reduce over a few large
flat buffers (`Buckets`) sums the gradients, each weighted by the process's share of the global batch, so that
every process applies the same update: the gradient of the mean loss over the whole global batch, as one
process with the whole batch would compute it. The communication itself comes from a plugin's `Communicator`.
"""

import contextlib
import itertools
import math
import os
import warnings

from kcore import backend
from kcore.distribution.buckets import Buckets
from kcore.distribution.distribution import Distribution
from kcore.errors import ConfigError, KcoreError
from kcore.utils import tree

DEFAULT_TIMEOUT = 600.0


def shard_range(rows, rank, size):
    """Process `rank`'s rows `[lo, hi)` of a batch of `rows` rows: contiguous, sizes differing by at most one.

    Example:
        >>> [shard_range(10, rank, 4) for rank in range(4)]
        [(0, 3), (3, 6), (6, 8), (8, 10)]
    """
    base, extra = divmod(rows, size)
    lo = rank * base + min(rank, extra)
    return lo, lo + base + (rank < extra)


def _plain(x):
    return x.value if hasattr(x, "edges") else x


class DataParallel(Distribution):
    """Data parallelism, one process per device: launch the same script on every process (`mpiexec -n 4 python
    train.py`, `srun`), set this distribution, and `fit` with the global batch size.

    Each process keeps the whole model; `fit` gives each its shard of every global batch, copies the chief's
    weights and optimizer state to every process before training, averages the gradients over processes with
    one collective per step, sums the metrics' states for logging, and lets process 0 alone print and save.

    Args:
        device_mesh: Keras's argument; kcore runs one process per device, so it must be None.
        devices: the devices to train on, one per process (default: every process's, `list_devices()`).
        auto_shard_dataset: True: every process reads the same data and keeps its rows of each global batch
            (`batch_size` is the global batch). False: each process's data is already its own part.
        communicator: the engine: "mpi", "nccl", a `Communicator`, or None for NCCL on the CuPy backend and
            MPI otherwise (both from `pip install kcore-distribute-mpi`).
        bucket_size_mb: the most megabytes packed into one buffer of a collective.
        timeout: seconds a collective may wait for the other processes before the job is ended with an error
            on every process (default: $KCORE_DISTRIBUTION_TIMEOUT, else 600).

    Example:
        >>> kcore.distribution.set_distribution(kcore.distribution.DataParallel())  # doctest: +SKIP
        >>> model.fit(x, y, batch_size=128)  # with 4 processes: 32 rows each per step  # doctest: +SKIP
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True, communicator=None,
                 bucket_size_mb=64, timeout=None):
        if device_mesh is not None:
            raise ConfigError(f"DataParallel: kcore runs one process per device, so `device_mesh` must be None; "
                              f"received {device_mesh!r}. Launch one process per device instead (mpiexec -n N).")
        if isinstance(bucket_size_mb, bool) or not isinstance(bucket_size_mb, (int, float)) or bucket_size_mb <= 0:
            raise ConfigError(f"DataParallel: `bucket_size_mb` must be a positive number. Received: {bucket_size_mb!r}")
        timeout = float(os.environ.get("KCORE_DISTRIBUTION_TIMEOUT", DEFAULT_TIMEOUT)) if timeout is None else timeout
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ConfigError(f"DataParallel: `timeout` must be a positive number of seconds. Received: {timeout!r}")
        self.communicator = _communicator(communicator, timeout)
        self.num_processes, self.process_id = self.communicator.size, self.communicator.rank
        self.devices = self.communicator.devices()
        if devices is not None and len(devices) != self.num_processes:
            raise ConfigError(f"DataParallel: `devices` names {len(devices)} devices ({list(devices)}) and the job "
                              f"has {self.num_processes} processes; kcore runs one process per device. Launch "
                              f"{len(devices)} processes, or leave devices=None.")
        self.auto_shard_dataset, self.timeout = auto_shard_dataset, timeout
        self.bucket_bytes = int(bucket_size_mb * 2**20)
        self._buckets = {}  # purpose -> Buckets, reused while the arrays keep their shapes
        self._global_rows = None  # rows of the global batch being trained on, set by the sharded data

    def __repr__(self):
        return (f"<DataParallel process {self.process_id} of {self.num_processes}, "
                f"communicator={self.communicator.name!r}>")

    def _layout(self, purpose, arrays):
        buckets = self._buckets.get(purpose)
        if buckets is None or not buckets.fits(arrays):
            buckets = Buckets(backend.get().xp, [(a.shape, a.dtype) for a in arrays], self.bucket_bytes)
            self._buckets[purpose] = buckets
        return buckets

    # -- what the training loop calls -----------------------------------------------------------------------

    def distribute_dataset(self, data):
        if not self.auto_shard_dataset or self.num_processes == 1:
            return data
        return ShardedData(data, self)

    def synchronize(self, model):
        if self.num_processes == 1:
            return
        from kcore import random

        if not model.built:
            raise KcoreError(f"DataParallel: model '{model.name}' must be built before fit() so that process 0's "
                             f"initial weights can be copied to every process: give it an Input, or call "
                             f"model.build(input_shape) first.")
        optimizer = model.optimizer
        if not optimizer.built:  # its slots must exist on every process to receive process 0's
            optimizer.build(model.trainable_variables)
        variables = [*model.variables, *optimizer.variables]
        specs = [(tuple(v.shape), str(v.dtype)) for v in variables]
        rate = optimizer._learning_rate if isinstance(optimizer._learning_rate, (int, float)) else None
        state = self.communicator.broadcast_object({
            "specs": specs, "initial_epoch": model._initial_epoch, "learning_rate": rate,
            "seed": list(random.global_seed_generator().state)})
        if state["specs"] != specs:
            raise ConfigError(f"DataParallel: process {self.process_id}'s model and optimizer hold variables "
                              f"{_differ(specs, state['specs'])} and process 0's do not: every process must build "
                              f"the same model (run the same script with the same arguments).")
        self._copy_from_chief(variables)
        if not self.is_chief:
            model._initial_epoch = state["initial_epoch"]  # a backup restored by process 0 resumes everywhere
            if rate is not None and state["learning_rate"] is not None:
                optimizer.learning_rate = state["learning_rate"]
            # the same global seed: every process shuffles the data into the same global batches
            random.global_seed_generator().state[:] = state["seed"]

    def _copy_from_chief(self, variables):
        if not variables:
            return
        buckets = Buckets(backend.get().xp, [(v.shape, v.dtype) for v in variables], self.bucket_bytes)
        buckets.pack([v.value for v in variables])  # on every process: a buffer is never left uninitialised
        self.communicator.broadcast(buckets.buffers)
        if not self.is_chief:
            for variable, view in zip(variables, buckets.views, strict=True):
                backend.get().xp.copyto(variable.value, view)

    def reduce_gradients(self, grads, loss, x):
        if self.num_processes == 1:
            return grads, loss
        xp = backend.get().xp
        rows = len(tree.flatten(x)[0])
        expected, self._global_rows = self._global_rows, None
        # The loss is a mean over this process's rows; the global one is the mean over all rows, so each
        # process's part counts by its share of the global batch (shards differ by one row when it is uneven).
        weight = rows / expected if expected else float(rows)
        loss = _plain(loss)
        present = [_plain(g) for g in grads if g is not None]
        arrays = [*present, xp.stack([loss, xp.ones((), loss.dtype)])]  # the loss and the weight travel along
        buckets = self._layout("gradients", arrays)
        buckets.pack(arrays, scale=weight)
        self.communicator.allreduce(buckets.buffers)
        extras = buckets.views[-1]
        total = float(extras[1])
        if not expected:  # shares unknown (data not sharded by kcore): divide by the total number of rows
            buckets.scale(1.0 / total)
        elif abs(total - 1.0) > 1e-3:
            raise ConfigError(f"DataParallel: the processes' batches add up to {total:.4f} global batches instead "
                              f"of 1: every process must read the same data (same arrays, same batch_size).")
        reduced = iter(buckets.views)
        return [None if g is None else next(reduced) for g in grads], extras[0].copy()

    @contextlib.contextmanager
    def summed_states(self, metrics):
        variables = [v for metric in metrics for v in metric.variables]
        if self.num_processes == 1 or not variables:
            yield
            return
        local = [v.value for v in variables]
        buckets = self._layout("metrics", local)
        buckets.pack(local)
        self.communicator.allreduce(buckets.buffers)
        for variable, view in zip(variables, buckets.views, strict=True):
            variable.value = view
        try:
            yield
        finally:
            for variable, value in zip(variables, local, strict=True):
                variable.value = value

    def on_epoch_end(self, model):
        # Each process updated its statistics from its own shard; process 0's are kept, so that evaluation and
        # checkpoints agree everywhere (a frozen weight is copied exactly, never averaged into rounding drift).
        if self.num_processes > 1:
            self._copy_from_chief(list(model.non_trainable_variables))


class ShardedData:
    """This process's rows of every global batch of `data` (an `ArrayData` or `GeneratorData` adapter).

    Arrays are sharded by index before the rows are gathered, so a process copies only its own rows. A
    generator must yield the same batches on every process (each keeps its rows of every batch). A last
    batch with fewer rows than there are processes is left out, with a warning.
    """

    def __init__(self, data, distribution):
        from kcore.training.data import ArrayData

        self.data, self._distribution = data, distribution
        self._rank, self._size = distribution.process_id, distribution.num_processes
        self.steps, self._limit = data.steps, None
        if isinstance(data, ArrayData):
            batches = math.ceil(data.count / data.batch_size)
            last = data.count - (batches - 1) * data.batch_size
            if batches == 1 and last < self._size:
                raise ConfigError(f"DataParallel: {data.count} samples cannot be shared among {self._size} "
                                  f"processes; give every process at least one sample (more data, or fewer "
                                  f"processes).")
            if last < self._size:
                self._limit = batches - 1
                self.steps = min(self.steps, self._limit) if self.steps is not None else self._limit
                if distribution.is_chief:
                    warnings.warn(f"The last batch of each epoch holds {last} samples, fewer than the {self._size} "
                                  f"processes: it is left out. Choose a batch_size that leaves at least "
                                  f"{self._size} samples in the last batch ({data.count} samples).", stacklevel=4)
        self._is_arrays = isinstance(data, ArrayData)

    def _shard(self, start, stop):
        rows = stop - start
        if rows < self._size:
            raise ConfigError(f"DataParallel: a batch of {rows} samples cannot be shared among {self._size} "
                              f"processes; yield batches of at least {self._size} samples.")
        self._distribution._global_rows = rows
        lo, hi = shard_range(rows, self._rank, self._size)
        return start + lo, start + hi

    def batches(self, epoch=0, seed=None):
        if self._is_arrays:
            batches = self.data.batches(epoch, seed, shard=self._shard)
            yield from batches if self._limit is None else itertools.islice(batches, self._limit)
            return
        for batch in self.data.batches(epoch, seed):
            lo, hi = self._shard(0, len(tree.flatten(batch[0])[0]))
            yield tuple(None if part is None else tree.map_structure(lambda a, lo=lo, hi=hi: a[lo:hi], part)
                        for part in batch)

    def on_epoch_end(self):
        self.data.on_epoch_end()


def _differ(mine, chiefs):
    if len(mine) != len(chiefs):
        return f"({len(mine)} of them, process 0's model {len(chiefs)})"
    first = next(i for i, (a, b) in enumerate(zip(mine, chiefs, strict=True)) if tuple(a[0]) != tuple(b[0])
                 or a[1] != b[1])
    return f"(the {first + 1}th has shape and dtype {mine[first]}, process 0's {tuple(chiefs[first])})"


def _communicator(communicator, timeout):
    from kcore.distribution.communicator import Communicator

    if isinstance(communicator, Communicator):
        return communicator
    if communicator is None:
        communicator = "nccl" if backend.backend() == "cupy" else "mpi"
    if not isinstance(communicator, str):
        raise ConfigError(f"DataParallel: `communicator` must be 'mpi', 'nccl', a kcore.distribution.Communicator "
                          f"or None. Received: {communicator!r}")
    from kcore.plugins import manager

    return manager().get("distribution", communicator)(timeout=timeout)
