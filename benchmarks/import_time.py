"""How long `import kcore` takes in a fresh process, beside a bare interpreter and (when installed) the peers.

    .venv/bin/python benchmarks/import_time.py [--runs 20]

Prints the median wall time of each import over fresh processes, minus nothing: the bare interpreter's
start-up is shown on its own line so the difference can be read off. `import kcore` loads no plugin and not
NumPy; the `-X importtime` total of kcore's own modules is printed too.
"""

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time


def timed(code, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e3


def self_time_of_import(module):
    """The cumulative time Python reports for importing `module` itself (-X importtime), in ms."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True,
                         text=True, check=True).stderr
    last = [line for line in err.splitlines() if line.rstrip().endswith(f"| {module}")][-1]
    return int(last.split("|")[1]) / 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {args.runs} fresh processes each, median wall time")
    baseline = timed("pass", args.runs)
    print(f"  {'python -c pass':<28} {baseline:8.1f} ms")
    for module in ("kcore", "numpy", "torch", "keras"):
        if importlib.util.find_spec(module) is None:
            print(f"  {'import ' + module:<28} (not installed)")
            continue
        total = timed(f"import {module}", args.runs)
        print(f"  {'import ' + module:<28} {total:8.1f} ms   (+{total - baseline:.1f} ms over python; "
              f"-X importtime {self_time_of_import(module):.1f} ms)")
    loaded = subprocess.run([sys.executable, "-c", "import sys, kcore; print(sorted(m for m in sys.modules if "
                             "m.startswith(('numpy', 'kcore_', 'pluggy'))))"], capture_output=True, text=True)
    print(f"  modules of numpy/pluggy/plugins loaded by `import kcore`: {loaded.stdout.strip()}")


if __name__ == "__main__":
    main()
