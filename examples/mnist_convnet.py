"""Train the tutorial's MNIST convnet, keep the best checkpoint, and evaluate it after reloading.

    python examples/mnist_convnet.py --epochs 10 --output runs/convnet

The model is Keras's "simple MNIST convnet" of the getting-started tutorial: two 3x3 convolutions of 64 filters,
a 2x2 max pooling, two 3x3 convolutions of 128 filters, global average pooling, dropout and a softmax over the
ten digits. It trains on the 10,000 real MNIST digits bundled with kcore-datasets (no network): the first 8,000
(or the first `--limit` of them) train, 15% of those held out for validation, and the last 2,000 test.

Two callbacks watch the validation loss: `ModelCheckpoint(save_best_only=True)` writes the model to
`<output>/best.keras` each time it improves, and `EarlyStopping` ends training when it stops improving. The
best checkpoint is then reloaded with `kcore.saving.load_model` and evaluated: what you would ship.
"""

import argparse
import pathlib

import kcore
from kcore import layers


def build_model():
    """28x28x1 images to probabilities of the ten digits."""
    return kcore.Sequential([
        layers.Input(shape=(28, 28, 1)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
        layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--limit", type=int, default=None, help="train on the first LIMIT digits only (default: all)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--patience", type=int, default=2, help="epochs without improvement before stopping")
    parser.add_argument("--output", type=pathlib.Path, default=pathlib.Path("mnist_convnet"),
                        help="folder for the best checkpoint (created if missing)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    kcore.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source="bundled")
    x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    # Pixels to float32 in [0, 1], with a trailing channel axis: Conv2D wants (batch, rows, cols, channels).
    x_train, x_test = (x[..., None].astype("float32") / 255 for x in (x_train, x_test))
    y_train, y_test = y_train.astype("int32"), y_test.astype("int32")
    print(f"{len(x_train)} training digits (15% held out for validation), {len(x_test)} test digits")

    model = build_model()
    model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    args.output.mkdir(parents=True, exist_ok=True)
    best_path = args.output / "best.keras"
    callbacks = [
        # Save the whole model (architecture, weights, optimizer state) whenever val_loss reaches a new low.
        kcore.callbacks.ModelCheckpoint(best_path, monitor="val_loss", save_best_only=True, verbose=1),
        # Stop once val_loss has not improved for `patience` epochs.
        kcore.callbacks.EarlyStopping(monitor="val_loss", patience=args.patience, verbose=1),
    ]
    history = model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.15,
                        callbacks=callbacks)
    print(f"trained for {len(history.history['loss'])} epoch(s)")

    # The checkpoint, not the model in memory, is what we keep: reload it and measure it on unseen digits.
    best = kcore.saving.load_model(best_path)
    loss, accuracy = best.evaluate(x_test, y_test, verbose=0)
    print(f"best checkpoint: {best_path}")
    print(f"test accuracy of the best checkpoint on {len(x_test)} held-out real MNIST digits: {accuracy:.2%} "
          f"(loss {loss:.4f})")
    return accuracy


if __name__ == "__main__":
    main()
