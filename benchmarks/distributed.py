"""Data-parallel scaling of `fit` on this machine: samples per second with 1, 2, 4 MPI processes.

    .venv/bin/python benchmarks/distributed.py [--workloads mlp,cnn,lstm] [--processes 1,2,4] [--seconds 10]

Each measurement is `mpiexec -n N python benchmarks/distributed.py --worker WORKLOAD`: the workloads of
benchmarks/workloads.py (same models, same global batch: 128 for mlp, 64 for cnn, 32 for lstm) trained with
`DataParallel` after one warm-up epoch, one BLAS thread per process. Process 0 reports samples per second, the
bytes all-reduced per step and the seconds spent in the all-reduce calls (waiting for the slowest process
included). The "1 process, 2 threads" row is the plain one-process run (no distribution) with BLAS on both cores.
Read the numbers with docs/distributed.md: on a 2-core machine, 4 processes share 2 cores.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
SAMPLES = {"mlp": 8000, "cnn": 4000, "lstm": 1024}


def worker(workload, seconds, distributed):
    sys.path.insert(0, str(HERE))
    import workloads

    import kcore

    if distributed:
        kcore.distribution.set_distribution(kcore.distribution.DataParallel())
    active = kcore.distribution.distribution()
    if workload == "lstm":
        x, y, vocab = workloads.shakespeare(SAMPLES["lstm"])
    else:
        (x, y), vocab = workloads.mnist(), None
        x = (x.reshape(-1, 784) if workload == "mlp" else x.reshape(-1, 28, 28, 1))[:SAMPLES[workload]]
        y = y[:SAMPLES[workload]]
    model = workloads.kcore_model(workload, vocab)
    spent = {"seconds": 0.0, "calls": 0, "bytes": 0}
    if active is not None:
        communicator = active.communicator
        allreduce = communicator.allreduce

        def timed(buffers):
            start = time.perf_counter()
            allreduce(buffers)
            spent["seconds"] += time.perf_counter() - start
            spent["calls"] += 1
            spent["bytes"] += sum(b.nbytes for b in buffers)

        communicator.allreduce = timed
    batch = workloads.BATCH[workload]
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)  # warm-up
    for key in spent:
        spent[key] = 0 if key != "seconds" else 0.0
    result = workloads.timed_epochs(lambda: model.fit(x, y, batch_size=batch, epochs=1, verbose=0), len(x), seconds)
    steps = result["epochs"] * -(-len(x) // batch)
    if active is None or active.is_chief:
        print(json.dumps({**result, "steps": steps, "allreduce_s_per_step": spent["seconds"] / steps,
                          "allreduce_calls_per_step": spent["calls"] / steps,
                          "allreduce_bytes_per_step": spent["bytes"] / steps}))


#: float32 elements all-reduced per step: the gradients of each workload, plus the loss and its weight
SIZES = {"metrics": 4, "cnn": 34_826 + 2, "lstm": 349_569 + 2, "mlp": 669_706 + 2}


def allreduce_worker():
    """Milliseconds per MPI all-reduce of each workload's gradient buffer, between the processes alone."""
    import numpy as np
    from kcore_distribute_mpi.mpi import load_mpi

    mpi = load_mpi()
    comm = mpi.COMM_WORLD
    times = {}
    for name, size in SIZES.items():
        buffer = np.ones(size, "float32")
        for _ in range(10):
            comm.Allreduce(mpi.IN_PLACE, buffer)
        comm.Barrier()
        repeats, start = (200 if size < 10_000 else 40), time.perf_counter()
        for _ in range(repeats):
            comm.Allreduce(mpi.IN_PLACE, buffer)
        times[name] = (time.perf_counter() - start) / repeats * 1e3
    if comm.Get_rank() == 0:
        print(json.dumps(times))


def launch(workload, processes, seconds, threads):
    env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    command = [sys.executable, __file__, "--worker", workload, "--seconds", str(seconds)]
    if processes:
        from kcore_distribute_mpi import find_mpiexec

        command = [find_mpiexec(), "-n", str(processes), *command, "--distributed"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default="mlp,cnn,lstm")
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--worker", help="(internal) run one measurement: a workload, or 'allreduce'")
    parser.add_argument("--distributed", action="store_true")
    args = parser.parse_args()
    if args.worker == "allreduce":
        return allreduce_worker()
    if args.worker:
        return worker(args.worker, args.seconds, args.distributed)
    print(f"{os.cpu_count()} CPU cores; global batch as in benchmarks/workloads.py; BLAS threads per process in "
          f"brackets")
    print(f"{'workload':8} {'setup':22} {'samples/s':>10} {'speedup':>8} {'all-reduce ms/step':>19} "
          f"{'MB/step':>8} {'calls/step':>10}")
    for processes in (n for n in map(int, args.processes.split(",")) if n > 1):
        times = launch("allreduce", processes, 0, 1)
        print(f"MPI all-reduce alone, {processes} processes: " + ", ".join(
            f"{name} {SIZES[name] * 4 / 1e6:.3g} MB {ms:.2f} ms" for name, ms in times.items()), flush=True)
    for workload in args.workloads.split(","):
        rows = [("1 process (1 thread)", 0, 1), ("1 process (2 threads)", 0, 2)]
        rows += [(f"{n} process{'es' if n > 1 else ''} MPI (1 each)", n, 1)
                 for n in map(int, args.processes.split(","))]
        base = None
        for label, processes, threads in rows:
            result = launch(workload, processes, args.seconds, threads)
            base = base or result["samples_per_s"]
            print(f"{workload:8} {label:22} {result['samples_per_s']:10.0f} {result['samples_per_s'] / base:8.2f} "
                  f"{result['allreduce_s_per_step'] * 1e3:19.2f} {result['allreduce_bytes_per_step'] / 2**20:8.2f} "
                  f"{result['allreduce_calls_per_step']:10.1f}", flush=True)


if __name__ == "__main__":
    main()
