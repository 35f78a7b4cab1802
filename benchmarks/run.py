"""kcore side by side with PyTorch (CPU) on the same workloads, alternating the two in one run.

    scripts/bench.sh                                  # sets up .venv-bench (kcore + torch==2.13.0), runs this
    .venv-bench/bin/python benchmarks/run.py [--workloads mlp,cnn] [--rounds 3] [--seconds 10] [--threads 1]

Every measurement is a fresh process (`benchmarks/workloads.py`), so each framework's peak memory is its own and
neither warms the other's caches; rounds alternate kcore, PyTorch, kcore, PyTorch... so a drift in the machine's
speed hits both. Prints per workload the median over rounds of samples per second (latency for `predict1`,
wall time for `import`), the ratio kcore/PyTorch (above 1 means kcore is faster) and the peak resident memory.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

WORKLOADS = ["mlp", "cnn", "lstm", "predict1", "import"]
HERE = os.path.dirname(os.path.abspath(__file__))

IMPORT_AND_BUILD = {
    "kcore": ("import kcore; from kcore import layers; m = kcore.Sequential([layers.Input((784,)), "
              "layers.Dense(512, activation='relu'), layers.Dense(512, activation='relu'), "
              "layers.Dense(10, activation='softmax')])"),
    "torch": ("import torch; from torch import nn; m = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), "
              "nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))"),
}


def environment(threads):
    env = dict(os.environ)
    if threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = str(threads)
    return env


def one_measurement(framework, workload, args):
    command = [sys.executable, os.path.join(HERE, "workloads.py"), framework, workload,
               "--seconds", str(args.seconds), "--threads", str(args.threads)]
    done = subprocess.run(command, capture_output=True, text=True, env=environment(args.threads))
    if done.returncode:
        raise SystemExit(f"{framework} {workload} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def import_time(framework, args):
    """Wall seconds of a fresh process importing the framework and building the mlp (median of 5)."""
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", IMPORT_AND_BUILD[framework]], check=True, env=environment(args.threads))
        samples.append(time.perf_counter() - start)
    return {"import_s": statistics.median(samples)}


def compare(workload, args):
    runs = {"kcore": [], "torch": []}
    for _ in range(args.rounds):
        for framework in runs:
            runs[framework].append(import_time(framework, args) if workload == "import"
                                   else one_measurement(framework, workload, args))
    return runs


def summarize(workload, runs):
    key, unit, higher_is_better = {"predict1": ("latency_ms", "ms", False), "import": ("import_s", "s", False)}.get(
        workload, ("samples_per_s", "samples/s", True))
    value = {f: statistics.median(r[key] for r in rs) for f, rs in runs.items()}
    ratio = value["kcore"] / value["torch"] if higher_is_better else value["torch"] / value["kcore"]
    memory = {f: max(r.get("peak_rss_mb", float("nan")) for r in rs) for f, rs in runs.items()}
    spread = {f: (min(r[key] for r in rs), max(r[key] for r in rs)) for f, rs in runs.items()}
    return {"workload": workload, "unit": unit, "kcore": value["kcore"], "torch": value["torch"], "ratio": ratio,
            "kcore_range": spread["kcore"], "torch_range": spread["torch"],
            "kcore_peak_mb": memory["kcore"], "torch_peak_mb": memory["torch"]}


def header(args):
    import torch

    import kcore

    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return (f"# {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"kcore {kcore.__version__} (numpy {np.__version__}, {blas['name']} {blas.get('version', '')}), "
            f"torch {torch.__version__}; threads: {args.threads or 'default'}; {args.rounds} rounds x "
            f"{args.seconds:g} s, medians\n# command: {' '.join(['python', *sys.argv])}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help=f"comma-separated, of {WORKLOADS}")
    parser.add_argument("--rounds", type=int, default=3, help="alternating measurements of each framework")
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per measurement")
    parser.add_argument("--threads", type=int, default=0, help="BLAS/PyTorch threads for both (0: their default)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    unknown = set(args.workloads.split(",")) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads {sorted(unknown)}; choose from {WORKLOADS}")
    print(header(args))
    print(f"{'workload':<9} {'kcore':>12} {'PyTorch':>12} {'unit':<10} {'kcore/PyTorch':>13} "
          f"{'kcore MB':>9} {'PyTorch MB':>10}")
    results = []
    for workload in args.workloads.split(","):
        row = summarize(workload, compare(workload, args))
        results.append(row)
        print(f"{workload:<9} {row['kcore']:>12.4g} {row['torch']:>12.4g} {row['unit']:<10} {row['ratio']:>13.2f} "
              f"{row['kcore_peak_mb']:>9.0f} {row['torch_peak_mb']:>10.0f}", flush=True)
    print("# ratio: kcore's throughput over PyTorch's; for predict1 and import, PyTorch's time over kcore's "
          "(above 1: kcore is faster)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
