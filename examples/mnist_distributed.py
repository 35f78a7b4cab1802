"""Train an MNIST classifier on several processes at once (data parallelism over MPI), with an unchanged `fit`.

    pip install kcore-distribute-mpi            # mpi4py and MPICH's mpiexec, from PyPI
    mpiexec -n 2 python examples/mnist_distributed.py --epochs 3

Every process runs this same script. `set_distribution(DataParallel())` is the only line that differs from a
one-process script: `fit` then gives each process its shard of every global batch of `--batch-size` digits,
averages the gradients over the processes at every step, and lets process 0 alone print the progress bar and
write the checkpoint, the backup and the saved model. Kill the job half-way and run it again: BackupAndRestore
resumes at the last finished epoch. Without mpiexec it runs as one process, unchanged.
"""

import argparse
import os

import kcore
from kcore import layers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128, help="the global batch, shared by the processes")
    parser.add_argument("--limit", type=int, default=None, help="train on the first LIMIT digits only")
    parser.add_argument("--output", default="mnist_distributed", help="folder for the checkpoint and the model")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    kcore.distribution.set_distribution(kcore.distribution.DataParallel())
    distribution = kcore.distribution.distribution()
    if distribution.is_chief:
        print(f"training on {distribution.num_processes} process(es): {kcore.distribution.list_devices()}")

    kcore.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source="bundled")
    x_train, x_test = (x.reshape(-1, 784).astype("float32") / 255 for x in (x_train, x_test))
    y_train, y_test = y_train.astype("int32"), y_test.astype("int32")
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]

    model = kcore.Sequential([
        layers.Input(shape=(784,)),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    callbacks = [
        kcore.callbacks.ModelCheckpoint(os.path.join(args.output, "best.keras"), monitor="val_loss",
                                        save_best_only=True),
        kcore.callbacks.BackupAndRestore(os.path.join(args.output, "backup")),
    ]
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.1,
              callbacks=callbacks)

    # evaluate is collective (each process scores its shard, the counts are summed): every process calls it
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    model.save(os.path.join(args.output, "final.keras"))  # written by process 0 only
    if distribution.is_chief:
        print(f"test accuracy on {len(x_test)} held-out real MNIST digits: {accuracy:.2%} (loss {loss:.4f})")
        print(f"saved {os.path.join(args.output, 'final.keras')}")


if __name__ == "__main__":
    main()
