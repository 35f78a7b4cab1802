"""Ending the whole job when one process fails: never a hang, and a clear line on every process.

Three things can go wrong in a job of N processes, and each ends every process within a bounded time:

- A process raises (a bug, bad data on one host): its uncaught exception prints its traceback, then the
  exception hook tells every other process (a message on a communicator of its own), waits until they have
  printed that they stop because of it, and calls `MPI_Abort`, which ends the job.
- A process dies (killed, out of memory, `os._exit`): `mpiexec` notices and ends the others. A launcher that
  does not (`mpiexec -disable-auto-cleanup`, some `srun` setups) leaves the others waiting in a collective; so
- every collective runs under a watchdog: a daemon thread that ends the job, with a line saying which collective
  waited and for how long, once one has waited more than `timeout` seconds. It also listens for the failure
  notices of the other processes while the main thread is busy.
"""

import atexit
import contextlib
import os
import socket
import sys
import threading
import time

FAULT_TAG, ACK_TAG = 7301, 7302
GRACE_SECONDS = 5.0  # how long a failing process waits for the others to say they stop, before MPI_Abort


class FaultHandler:
    """The watchdog, the exception hook and the failure notices of one process of the job.

    Args:
        mpi: the `mpi4py.MPI` module.
        timeout: seconds a collective may wait (inside `waiting`) before the job is ended.
        poll: seconds between two looks of the watchdog thread.
    """

    def __init__(self, mpi, timeout, poll=0.1):
        self.mpi = mpi
        self.comm = mpi.COMM_WORLD.Dup()  # notices travel apart from the training's collectives
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self.timeout, self.poll = float(timeout), poll
        self.on_abort = []  # what to run just before MPI_Abort (NCCL: abort its communicator)
        self._waiting = None  # (what, since) while the main thread is in a collective
        self._lock = threading.Lock()
        self._ending = False
        # Another thread may call MPI only when MPI was started for it; otherwise the watchdog only keeps time.
        self._threads_ok = mpi.Query_thread() == mpi.THREAD_MULTIPLE
        self._previous_hook = sys.excepthook
        sys.excepthook = self._excepthook
        atexit.register(self._at_exit)
        threading.Thread(target=self._watch, name="kcore-distribution-watchdog", daemon=True).start()

    @contextlib.contextmanager
    def waiting(self, what):
        """Mark the main thread as waiting in the collective `what` (e.g. "the all-reduce of the gradients")."""
        self._waiting = (what, time.monotonic())
        try:
            yield
        finally:
            self._waiting = None

    # -- this process fails ---------------------------------------------------------------------------------

    def fail(self, reason, advice="ending every process of the job"):
        """Print `reason` and `advice`, tell every other process why, give them a moment to say they stop too,
        then end the job."""
        with self._lock:
            if self._ending:
                return
            self._ending = True
        self._say(f"{reason}; {advice}")
        if self._threads_ok or threading.current_thread() is threading.main_thread():
            self._notify_others(f"{reason} [{_where()}]")
        self._abort()

    def _notify_others(self, message):
        others = set(range(self.size)) - {self.rank}
        requests = []
        for rank in others:
            with contextlib.suppress(Exception):  # a dead process cannot be told
                requests.append(self.comm.isend(message, dest=rank, tag=FAULT_TAG))
        deadline = time.monotonic() + min(GRACE_SECONDS, self.timeout)
        status = self.mpi.Status()
        while others and time.monotonic() < deadline:
            try:
                if not self.comm.Iprobe(source=self.mpi.ANY_SOURCE, tag=self.mpi.ANY_TAG, status=status):
                    time.sleep(0.01)
                    continue
                self.comm.recv(source=status.Get_source(), tag=status.Get_tag())
            except Exception:
                break
            if status.Get_tag() in (ACK_TAG, FAULT_TAG):  # it printed that it stops, or it fails itself
                others.discard(status.Get_source())

    def _excepthook(self, kind, value, traceback):
        self._previous_hook(kind, value, traceback)
        self.fail(f"{kind.__name__}: {value}", "traceback above; ending every process of the job")

    def _abort(self):
        for action in self.on_abort:
            with contextlib.suppress(Exception):
                action()
        sys.stdout.flush()
        sys.stderr.flush()
        self.mpi.COMM_WORLD.Abort(1)

    # -- another process fails, or a collective never ends ----------------------------------------------------

    def _watch(self):
        status = self.mpi.Status()
        while not self._ending:
            time.sleep(self.poll)
            if self._threads_ok and self.comm.Iprobe(source=self.mpi.ANY_SOURCE, tag=FAULT_TAG, status=status):
                self._peer_failed(status.Get_source(), self.comm.recv(source=status.Get_source(), tag=FAULT_TAG))
                return
            waiting = self._waiting
            if waiting is not None and time.monotonic() - waiting[1] > self.timeout:
                self.fail(f"waited more than {self.timeout:g} s for the other processes in {waiting[0]}: one of them "
                          f"died or hangs (its output, or mpiexec's, may say why)",
                          "ending every process of the job. If a step can legitimately take that long, set "
                          "KCORE_DISTRIBUTION_TIMEOUT (seconds) higher")
                return

    def _peer_failed(self, rank, message):
        with self._lock:
            if self._ending:
                return
            self._ending = True
        self._say(f"stopping because process {rank} failed: {message}")
        with contextlib.suppress(Exception):
            self.comm.send(None, dest=rank, tag=ACK_TAG)  # small: sent at once, whatever the other side does
        time.sleep(min(GRACE_SECONDS, self.timeout) + 2)  # the failing process ends the job; if it cannot:
        self._abort()

    def _at_exit(self):
        # Every process reaches the end of the script together. One that gets there while the others still
        # train (it left fit early) would otherwise wait in MPI_Finalize for ever: here it waits under the watchdog.
        if not self._ending:
            with self.waiting("the barrier at the end of the script (a process left the training early?)"):
                self.comm.Barrier()

    def _say(self, message):
        sys.stderr.write(f"kcore: process {self.rank} of {self.size}: {message}\n")
        sys.stderr.flush()


def _where():
    return f"{socket.gethostname()}, pid {os.getpid()}"
