"""kcore on CuPy side by side with PyTorch on CUDA, on one GPU: training throughput of the MLP, convnet and LSTM
workloads of `benchmarks/workloads.py` at a batch size that fills the GPU (1024 by default).

    .venv/bin/python benchmarks/gpu.py [--workloads mlp,cnn,lstm] [--batch 1024] [--rounds 3] [--seconds 10]

Needs an NVIDIA GPU, kcore-backend-cupy with CuPy ("kcore-backend-cupy[cuda12]" or [cuda13]) and a CUDA build
of PyTorch; where any is missing it says which and exits with status 2, having measured nothing. (Written on a
machine without a GPU: not yet run.)

Every measurement is a fresh process (this file with `--one`), alternating kcore and PyTorch over rounds. Both
read batches from the same shuffled host (NumPy) arrays and copy each batch to the GPU, as `model.fit(x, y)`
does; each timed epoch ends with the device synchronised. Prints, per workload, the median over rounds of
samples per second, the ratio kcore / PyTorch (the issue's target is at least 0.8) and the peak GPU memory.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = ("mlp", "cnn", "lstm")


# ---- what is missing -----------------------------------------------------------------------------------------

def missing():
    """Why this benchmark cannot run here (a list of sentences), empty when it can."""
    problems = []
    if importlib.util.find_spec("kcore_backend_cupy") is None:
        problems.append('kcore-backend-cupy is not installed: pip install "kcore-backend-cupy[cuda12]" (or [cuda13])')
    else:
        from kcore_backend_cupy import unavailable_reason

        reason = unavailable_reason()
        if reason is not None:
            problems.append(f"kcore's cupy backend cannot run: {reason} (KCORE_BACKEND=cupy python -c 'import kcore; "
                            f"kcore.backend.get()' prints the fix)")
    if importlib.util.find_spec("torch") is None:
        problems.append("PyTorch is not installed: pip install torch (a build for your CUDA version)")
    else:
        import torch

        if not torch.cuda.is_available():
            problems.append(f"PyTorch {torch.__version__} sees no CUDA GPU (built for CUDA {torch.version.cuda}; "
                            f"None means a CPU-only build)")
    return problems


# ---- one measurement, in its own process ---------------------------------------------------------------------

def data(workload, samples):
    """`samples` training examples of `workload` as host arrays (MNIST digits repeated to fill them), and the
    vocabulary size for the LSTM."""
    import workloads  # beside this file, first on sys.path when it runs as a script

    if workload == "lstm":
        return workloads.shakespeare(samples)
    x, y = workloads.mnist()
    repeat = -(-samples // len(x))
    x, y = np.concatenate([x] * repeat)[:samples], np.concatenate([y] * repeat)[:samples]
    return (x.reshape(-1, 28, 28, 1) if workload == "cnn" else x), y, None


def kcore_train(workload, x, y, vocab, batch, seconds):
    import workloads

    from kcore import backend

    gpu = backend.get()  # KCORE_BACKEND=cupy, set by the parent
    model = workloads.kcore_model(workload, vocab)

    def epoch():
        model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
        gpu.synchronize()

    epoch()  # warm-up: CuPy compiles its kernels on first use
    result = workloads.timed_epochs(epoch, len(x), seconds)
    pool = gpu.xp.get_default_memory_pool()  # keeps freed blocks for reuse: what it holds is its high-water mark
    result.update(device=gpu.device(), version=f"CuPy {gpu.xp.__version__}", peak_gpu_mb=pool.total_bytes() / 2**20)
    return result


def torch_train(workload, x, y, vocab, batch, seconds):
    import torch
    import workloads
    from torch.nn import functional

    device = torch.device("cuda")
    model = workloads.torch_model(workload, vocab).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.from_numpy(x.reshape(-1, 1, 28, 28) if workload == "cnn" else x)
    y = torch.from_numpy(y)

    def epoch():
        model.train()
        order = torch.randperm(len(x))
        for start in range(0, len(x), batch):
            index = order[start:start + batch]
            inputs, targets = x[index].to(device), y[index].to(device)
            optimizer.zero_grad()
            logits = model(inputs)
            loss = functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
            loss.backward()
            optimizer.step()
            loss.item()
        torch.cuda.synchronize()

    epoch()  # warm-up: cuDNN and cuBLAS pick their algorithms
    result = workloads.timed_epochs(epoch, len(x), seconds)
    result.update(device=torch.cuda.get_device_name(), version=f"PyTorch {torch.__version__}",
                  peak_gpu_mb=torch.cuda.max_memory_allocated() / 2**20)
    return result


def one(framework, workload, args):
    x, y, vocab = data(workload, args.samples)
    train = kcore_train if framework == "kcore" else torch_train
    json.dump(train(workload, x, y, vocab, args.batch, args.seconds), sys.stdout)
    print()


# ---- the comparison --------------------------------------------------------------------------------------------

def measure(framework, workload, args):
    command = [sys.executable, os.path.abspath(__file__), "--one", framework, workload, "--batch", str(args.batch),
               "--seconds", str(args.seconds), "--samples", str(args.samples)]
    env = {**os.environ, "KCORE_BACKEND": "cupy"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(f"{framework} {workload} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description="GPU training throughput: kcore on CuPy against PyTorch on CUDA.")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated, of " + ", ".join(WORKLOADS))
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--samples", type=int, default=32768, help="training examples per epoch")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per framework, alternating")
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per measurement, after warm-up")
    parser.add_argument("--one", nargs=2, metavar=("FRAMEWORK", "WORKLOAD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return one(*args.one, args)
    problems = missing()
    if problems:
        print("benchmarks/gpu.py measures kcore on CuPy against PyTorch on an NVIDIA GPU, and cannot here:\n  - "
              + "\n  - ".join(problems) + "\nNothing was measured.", file=sys.stderr)
        raise SystemExit(2)
    print(f"batch {args.batch}, {args.samples} samples per epoch, {args.rounds} rounds of {args.seconds:g} s, "
          f"median samples/s")
    for workload in args.workloads.split(","):
        runs = {"kcore": [], "torch": []}
        for r in range(args.rounds):
            for framework in ("kcore", "torch") if r % 2 == 0 else ("torch", "kcore"):
                runs[framework].append(measure(framework, workload, args))
        speed = {f: statistics.median(run["samples_per_s"] for run in runs[f]) for f in runs}
        memory = {f: max(run["peak_gpu_mb"] for run in runs[f]) for f in runs}
        if workload == args.workloads.split(",")[0]:
            print(f"  device {runs['kcore'][0]['device']}: {runs['kcore'][0]['version']}, "
                  f"{runs['torch'][0]['device']}: {runs['torch'][0]['version']}")
        print(f"  {workload:<5} kcore {speed['kcore']:10.0f}/s   torch {speed['torch']:10.0f}/s   "
              f"ratio {speed['kcore'] / speed['torch']:5.2f}x   peak GPU MB kcore {memory['kcore']:.0f} "
              f"torch {memory['torch']:.0f}")


if __name__ == "__main__":
    main()
