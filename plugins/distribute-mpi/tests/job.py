"""The training job the tests launch with `mpiexec` (and import, to run the same training in one process).

    mpiexec -n 2 python job.py --out DIR [--samples 1024] [--epochs 1] [--shuffle] [--backup DIR]
                               [--fail raise|exit|kill|hang --fail-rank 1 --fail-at EPOCH,STEP]

The MLP of the issue (784-512-512-10, no dropout, Adam), seeded, global batch 128, on the first `samples` bundled
MNIST digits. Each process writes `rank<r>.npz` (its final weights and history) into `--out`, and asks
`save_weights` for `saved_by_<r>.weights.h5` there: only process 0's call may write a file.
"""

import argparse
import json
import os
import pathlib
import signal
import time

import numpy as np

import kcore
from kcore import layers

SEED, BATCH = 1234, 128


def data(samples):
    (x, y), _ = kcore.datasets.mnist.load_data(source="bundled")
    return x[:samples].reshape(-1, 784).astype("float32") / 255, y[:samples].astype("int32")


def build():
    kcore.utils.set_random_seed(SEED)
    model = kcore.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                              layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=kcore.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def train(samples, epochs, shuffle=True, callbacks=(), verbose=0):
    """Build the model, train it, return (model, history dict)."""
    x, y = data(samples)
    model = build()
    history = model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=shuffle, callbacks=list(callbacks),
                        verbose=verbose)
    return model, history.history


class Fault(kcore.callbacks.Callback):
    """On process `rank`, at the start of step `step` of epoch `epoch`, do `how`."""

    def __init__(self, how, rank, epoch, step):
        super().__init__()
        self.how, self.rank, self.at, self.epoch = how, rank, (epoch, step), 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch) != self.at or kcore.distribution.distribution().process_id != self.rank:
            return
        if self.how == "raise":
            raise ValueError(f"injected failure at epoch {self.epoch}, step {batch}")
        if self.how == "exit":
            os._exit(3)
        if self.how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if self.how == "hang":
            time.sleep(3600)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=pathlib.Path, required=True)
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--shuffle", action="store_true")
    parser.add_argument("--verbose", type=int, default=0)
    parser.add_argument("--backup")
    parser.add_argument("--fail", choices=["raise", "exit", "kill", "hang"])
    parser.add_argument("--fail-rank", type=int, default=1)
    parser.add_argument("--fail-at", default="0,2")
    args = parser.parse_args()

    kcore.distribution.set_distribution(kcore.distribution.DataParallel())
    rank = kcore.distribution.distribution().process_id
    callbacks = []
    if args.backup:
        callbacks.append(kcore.callbacks.BackupAndRestore(args.backup, delete_checkpoint=False))
    if args.fail:
        callbacks.append(Fault(args.fail, args.fail_rank, *map(int, args.fail_at.split(","))))
    model, history = train(args.samples, args.epochs, args.shuffle, callbacks, args.verbose)
    np.savez(args.out / f"rank{rank}.npz", *model.get_weights(), history=json.dumps(history))
    model.save_weights(args.out / f"saved_by_{rank}.weights.h5")


if __name__ == "__main__":
    main()
