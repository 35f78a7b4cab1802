"""Train a multilayer perceptron on real MNIST digits with the Keras-style API, and show the result.

    python examples/mnist_mlp.py --epochs 5

The 10,000 MNIST test digits ship in examples/data/mnist: the first 8,000 train the model (15% of them held
out for validation and early stopping), the last 2,000 measure it.
"""

import argparse
import gzip
import pathlib

import numpy as np

import kcore
from kcore import layers

DATA = pathlib.Path(__file__).parent / "data" / "mnist"


def load_idx(path):
    """An IDX file (MNIST's format) as a NumPy array."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=pathlib.Path, default=DATA, help="folder with the MNIST t10k IDX files")
    args = parser.parse_args()

    kcore.utils.set_random_seed(args.seed)
    images = load_idx(args.data / "t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype("float32") / 255
    labels = load_idx(args.data / "t10k-labels-idx1-ubyte.gz").astype("int32")
    (x_train, y_train), (x_test, y_test) = (images[:8000], labels[:8000]), (images[8000:], labels[8000:])

    model = kcore.Sequential([
        layers.Input(shape=(784,)),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.15,
              callbacks=[kcore.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)])
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    predicted = model.predict(x_test[:10], verbose=0).argmax(axis=-1)
    print(f"\nfirst ten held-out digits: true {y_test[:10].tolist()}, predicted {predicted.tolist()}")
    print(f"test accuracy on {len(x_test)} held-out real MNIST digits: {accuracy:.2%} (loss {loss:.4f})")


if __name__ == "__main__":
    main()
