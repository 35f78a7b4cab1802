"""How much of a kcore training step is matrix products: time inside `xp.matmul` over the whole step time.

    .venv-bench/bin/python benchmarks/gemm_share.py [--workload mlp] [--epochs 3]

Runs `model.fit` on the benchmark workload (see workloads.py) with the backend's array namespace wrapped so that
every `matmul` call is timed; everything else goes straight to NumPy. The rest of the step is the framework
plus the elementwise arithmetic (activations, loss, optimizer update).
"""

import argparse
import time

import workloads

from kcore.backend import activate, active


class TimedMatmul:
    """The array namespace `xp`, with `matmul` timed."""

    def __init__(self, xp):
        self._xp = xp
        self.seconds = 0.0
        self.calls = 0

    def matmul(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self._xp.matmul(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1

    def __getattr__(self, name):
        return getattr(self._xp, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="mlp", choices=["mlp", "cnn", "lstm"])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    if args.workload == "lstm":
        x, y, vocab = workloads.shakespeare()
    else:
        (x, y), vocab = workloads.mnist(), None
        x = x.reshape(-1, 784) if args.workload == "mlp" else x.reshape(-1, 28, 28, 1)
    model = workloads.kcore_model(args.workload, vocab)
    batch = workloads.BATCH[args.workload]
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)  # warm-up
    activate()
    timed = active.xp = TimedMatmul(active.xp)
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=args.epochs, verbose=0)
    total = time.perf_counter() - start
    steps = args.epochs * -(-len(x) // batch)
    print(f"{args.workload}: {steps} steps, {total / steps * 1e3:.2f} ms per step, of which matmul "
          f"{timed.seconds / steps * 1e3:.2f} ms ({timed.calls // steps} calls per step): "
          f"{timed.seconds / total:.0%} of the step")


if __name__ == "__main__":
    main()
