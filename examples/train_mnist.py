"""The main example: train a convnet on real MNIST digits, save it, and show the result.

    python examples/train_mnist.py            # what scripts/train.sh runs

The 10,000 real MNIST test digits ship inside kcore-datasets (no download): the first 8,000 train the model,
the last 2,000 measure it (shown as validation after each epoch; nothing is tuned on them). The model is the
classic Keras MNIST convnet. At the end the script prints the test accuracy, the path of the saved model
(reloaded to check it) and the path of a PNG of the training curves.
"""

import argparse
import pathlib

import numpy as np

import kcore
from kcore import layers


def build_model():
    return kcore.Sequential([
        layers.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=3, activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Conv2D(64, kernel_size=3, activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ], name="mnist_convnet")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit", type=int, default=None, help="train on only this many digits (a quick run)")
    parser.add_argument("--output", type=pathlib.Path, default=pathlib.Path("runs"), help="where to save")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    kcore.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source="bundled")
    x_train = x_train[: args.limit, ..., None].astype("float32") / 255  # add the channel axis, scale to [0, 1]
    y_train = y_train[: args.limit]
    x_test = x_test[..., None].astype("float32") / 255

    model = build_model()
    model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs,
                        validation_data=(x_test, y_test))

    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    args.output.mkdir(parents=True, exist_ok=True)
    model_path = args.output / "mnist_convnet.keras"
    model.save(model_path)
    reloaded = kcore.saving.load_model(model_path)
    same = np.allclose(reloaded.predict(x_test[:64], verbose=0), model.predict(x_test[:64], verbose=0), atol=1e-6)
    print(f"\ntest accuracy on {len(x_test)} held-out real MNIST digits: {accuracy:.2%}")
    print(f"saved model: {model_path} (reloaded, predictions {'identical' if same else 'DIFFER'})")
    try:
        curves = kcore.utils.plot_history(history, to_file=args.output / "mnist_convnet_history.png")
        print(f"training curves: {curves or args.output / 'mnist_convnet_history.png'}")
    except kcore.errors.KcoreError as e:  # matplotlib is optional
        print(f"training curves not drawn: {e}")


if __name__ == "__main__":
    main()
