"""Train a multilayer perceptron on real MNIST digits with the Keras-style API, and show the result.

    python examples/mnist_mlp.py --epochs 5

The 10,000 real MNIST test digits ship inside kcore-datasets (`kcore.datasets.mnist.load_data(source="bundled")`,
no network needed): the first 8,000 train the model (15% of them held out for validation and early stopping), the
last 2,000 measure it. `--source download` trains on Keras's full MNIST instead (downloaded once, 11 MB).
"""

import argparse

import kcore
from kcore import layers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", choices=["bundled", "download"], default="bundled",
                        help="the 10,000 MNIST digits shipped with kcore-datasets, or Keras's full MNIST")
    args = parser.parse_args()

    kcore.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source=args.source)
    x_train, x_test = (x.reshape(-1, 784).astype("float32") / 255 for x in (x_train, x_test))
    y_train, y_test = y_train.astype("int32"), y_test.astype("int32")

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
