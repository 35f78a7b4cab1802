"""A functional model with two inputs and two outputs: name them, then give losses and weights by name.

    python examples/functional_multi_io.py --epochs 5

Inputs: a real MNIST digit (784 pixels) and a noisy "hint" vector of 10 numbers, a one-hot of the true digit
blurred with Gaussian noise (so the model must learn how far to trust it). Outputs: `digit`, the probabilities of
the ten classes, and `ink`, a regression head predicting the fraction of the image's pixels that are inked, a
number we can compute from the data. Each input and output carries a `name`, and `compile`/`fit` take dicts
keyed by those names: one loss per output, `loss_weights` to balance them, and metrics per output. The model is
saved to a `.keras` archive and reloaded; the reloaded one must predict the same.
"""

import argparse
import pathlib

import numpy as np

import kcore
from kcore import layers


def make_inputs(images, labels, noise, rng):
    """The two inputs (flat pixels, noisy hint) and the two targets (class, inked fraction) as name-keyed dicts."""
    pixels = images.reshape(len(images), -1).astype("float32") / 255
    hints = np.eye(10, dtype="float32")[labels] + rng.normal(0, noise, (len(labels), 10)).astype("float32")
    ink = (pixels > 0.5).mean(axis=1, keepdims=True, dtype="float32")
    return {"pixels": pixels, "hint": hints}, {"digit": labels.astype("int32"), "ink": ink}


def build_model():
    """Two named inputs, one shared trunk, two named heads."""
    pixels = layers.Input(shape=(784,), name="pixels")
    hint = layers.Input(shape=(10,), name="hint")
    image_features = layers.Dense(128, activation="relu", name="image_features")(pixels)
    hint_features = layers.Dense(16, activation="relu", name="hint_features")(hint)
    merged = layers.Concatenate(name="merged")([image_features, hint_features])
    trunk = layers.Dense(64, activation="relu", name="trunk")(merged)
    digit = layers.Dense(10, activation="softmax", name="digit")(trunk)  # classification head
    ink = layers.Dense(1, activation="sigmoid", name="ink")(trunk)  # regression head, a fraction in [0, 1]
    return kcore.Model(inputs={"pixels": pixels, "hint": hint}, outputs={"digit": digit, "ink": ink},
                       name="digit_and_ink")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="train on the first LIMIT digits only (default: all)")
    parser.add_argument("--noise", type=float, default=1.0, help="standard deviation of the hint's noise")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--save", type=pathlib.Path, default=pathlib.Path("digit_and_ink.keras"))
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)

    kcore.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source="bundled")
    train_x, train_y = make_inputs(x_train[:args.limit], y_train[:args.limit], args.noise, rng)
    test_x, test_y = make_inputs(x_test, y_test, args.noise, rng)

    model = build_model()
    model.summary()
    model.compile(
        optimizer="adam",
        loss={"digit": "sparse_categorical_crossentropy", "ink": "mse"},  # one loss per output, by name
        loss_weights={"digit": 1.0, "ink": 10.0},  # the ink error is small in absolute terms: weigh it up
        metrics={"digit": ["accuracy"], "ink": ["mae"]},
    )
    model.fit(train_x, train_y, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.1)

    results = model.evaluate(test_x, test_y, verbose=0, return_dict=True)
    print("test results: " + ", ".join(f"{name} {value:.4f}" for name, value in sorted(results.items())))

    model.save(args.save)
    reloaded = kcore.saving.load_model(args.save)
    few = {name: value[:5] for name, value in test_x.items()}
    before, after = model.predict(few, verbose=0), reloaded.predict(few, verbose=0)
    same = all(np.allclose(before[name], after[name], atol=1e-6) for name in ("digit", "ink"))
    print(f"first five test digits: true {y_test[:5].tolist()}, predicted {after['digit'].argmax(-1).tolist()}")
    print(f"  their inked fractions: true {' '.join(f'{v:.3f}' for v in test_y['ink'][:5, 0])}, "
          f"predicted {' '.join(f'{v:.3f}' for v in after['ink'][:5, 0])}")
    print(f"saved to {args.save}; reloaded model predicts the same: {same}")
    print(f"test digit accuracy on {len(y_test)} held-out digits: {results['digit_accuracy']:.2%}")
    return results


if __name__ == "__main__":
    main()
