"""The benchmark workloads, each written once for kcore and once for PyTorch, on the same data.

Run one measurement in this process and print it as a JSON line (`benchmarks/run.py` drives this file, alternating
the two frameworks in fresh processes):

    python benchmarks/workloads.py kcore mlp --seconds 10

Training workloads time whole epochs of the user-facing loop after one warm-up epoch: `model.fit` for kcore, the
idiomatic PyTorch loop (zero_grad, forward, loss, backward, step, `loss.item()`) for PyTorch, both reading
batches from one shuffled in-memory array. Peak memory is the process's own peak resident set.
"""

import argparse
import json
import pathlib
import resource
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
SHAKESPEARE = HERE.parent.parent / "shared" / "datasets" / "tinyshakespeare" / "input.txt"
SHAKESPEARE_URL = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"

BATCH = {"mlp": 128, "cnn": 64, "lstm": 32, "predict1": 1}
SEQUENCE = 64


# ---- data: NumPy arrays shared by both frameworks ------------------------------------------------------------

def mnist():
    """The 8,000 training digits of the MNIST test set bundled with kcore-datasets, scaled to [0, 1] float32."""
    from kcore_datasets.mnist import load_bundled

    (x, y), _ = load_bundled()
    return (x.astype(np.float32) / 255.0), y.astype(np.int64)


def shakespeare(samples=4096):
    """`samples` random windows of 64 characters of tinyshakespeare and their next-character targets."""
    path = SHAKESPEARE
    if not path.exists():
        from kcore.utils import get_file

        path = pathlib.Path(get_file("tinyshakespeare.txt", SHAKESPEARE_URL))
    text = path.read_text()
    vocab = sorted(set(text))
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    lookup = np.zeros(codes.max() + 1, dtype=np.int64)
    lookup[[ord(c) for c in vocab]] = np.arange(len(vocab))
    codes = lookup[codes]
    starts = np.random.default_rng(0).integers(0, len(codes) - SEQUENCE - 1, samples)
    windows = codes[starts[:, None] + np.arange(SEQUENCE + 1)]
    return windows[:, :-1], windows[:, 1:], len(vocab)


# ---- kcore ---------------------------------------------------------------------------------------------------

def kcore_model(workload, vocab=None):
    import kcore
    from kcore import layers

    kcore.utils.set_random_seed(0)
    if workload == "mlp":
        model = kcore.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                                  layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    elif workload in ("cnn", "predict1"):
        model = kcore.Sequential([
            layers.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Flatten(), layers.Dropout(0.5), layers.Dense(10, activation="softmax"),
        ])
    else:
        model = kcore.Sequential([layers.Input((SEQUENCE,), dtype="int32"), layers.Embedding(vocab, 64),
                                  layers.LSTM(256, return_sequences=True), layers.Dense(vocab, activation="softmax")])
    model.compile(optimizer=kcore.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model


def kcore_train(workload, x, y, vocab, seconds):
    model = kcore_model(workload, vocab)
    model.fit(x, y, batch_size=BATCH[workload], epochs=1, verbose=0)  # warm-up epoch
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH[workload], epochs=1, verbose=0), len(x), seconds)


def kcore_predict1(x, seconds):
    model = kcore_model("predict1")
    one = x[:1].reshape(1, 28, 28, 1)
    return timed_calls(lambda: model.predict_on_batch(one), seconds)


# ---- PyTorch -------------------------------------------------------------------------------------------------

def torch_model(workload, vocab=None):
    import torch
    from torch import nn

    torch.manual_seed(0)
    if workload == "mlp":
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    if workload in ("cnn", "predict1"):
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(64 * 5 * 5, 10))

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(vocab, 64)
            self.lstm = nn.LSTM(64, 256, batch_first=True)
            self.dense = nn.Linear(256, vocab)

        def forward(self, x):
            return self.dense(self.lstm(self.embedding(x))[0])

    return CharLSTM()


def torch_train(workload, x, y, vocab, seconds):
    import torch
    from torch.nn import functional

    model = torch_model(workload, vocab)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.from_numpy(x.reshape(-1, 1, 28, 28) if workload == "cnn" else x)
    y = torch.from_numpy(y)
    batch = BATCH[workload]

    def epoch():
        model.train()
        order = torch.randperm(len(x))
        total = 0.0
        for start in range(0, len(x), batch):
            index = order[start:start + batch]
            optimizer.zero_grad()
            logits = model(x[index])
            loss = functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[index].reshape(-1))
            loss.backward()
            optimizer.step()
            total += loss.item()
        return total

    epoch()  # warm-up epoch
    return timed_epochs(epoch, len(x), seconds)


def torch_predict1(x, seconds):
    import torch

    model = torch_model("predict1").eval()
    one = torch.from_numpy(x[:1].reshape(1, 1, 28, 28))

    def call():
        with torch.no_grad():
            return model(one).numpy()

    return timed_calls(call, seconds)


# ---- timing --------------------------------------------------------------------------------------------------

def timed_epochs(run_epoch, samples, seconds):
    """Whole epochs until `seconds` have passed (at least one); samples per second over all of them."""
    epochs, start = 0, time.perf_counter()
    while True:
        run_epoch()
        epochs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return {"samples_per_s": epochs * samples / elapsed, "epochs": epochs, "seconds": elapsed}


def timed_calls(call, seconds):
    """The median latency of single calls, after 20 warm-up calls, over `seconds`."""
    for _ in range(20):
        call()
    latencies, deadline = [], time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - start)
    return {"latency_ms": float(np.median(latencies)) * 1e3, "calls": len(latencies)}


def measure(framework, workload, seconds, threads):
    if threads and framework == "torch":
        import torch

        torch.set_num_threads(threads)
    if workload == "predict1":
        x, _ = mnist()
        result = (kcore_predict1 if framework == "kcore" else torch_predict1)(x, seconds)
    else:
        if workload == "lstm":
            x, y, vocab = shakespeare()
        else:
            (x, y), vocab = mnist(), None
            x = x.reshape(-1, 784) if workload == "mlp" else x.reshape(-1, 28, 28, 1)
        result = (kcore_train if framework == "kcore" else torch_train)(workload, x, y, vocab, seconds)
    result["peak_rss_mb"] = peak_resident_mb()
    return result


def peak_resident_mb():
    """This process's own peak resident memory. (getrusage's ru_maxrss would also count the parent's peak,
    which Linux carries across exec.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description="One measurement of one workload in one framework.")
    parser.add_argument("framework", choices=["kcore", "torch"])
    parser.add_argument("workload", choices=list(BATCH))
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds, after the warm-up")
    parser.add_argument("--threads", type=int, default=0, help="threads for the BLAS and PyTorch (0: their default)")
    args = parser.parse_args()
    json.dump(measure(args.framework, args.workload, args.seconds, args.threads), sys.stdout)
    print()


if __name__ == "__main__":
    main()
