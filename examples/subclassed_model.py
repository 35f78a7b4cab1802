"""Write a model as a Python class: layers as attributes, the forward pass in `call`, saved and reloaded.

    python examples/subclassed_model.py --epochs 5

Subclassing `kcore.Model` is the most flexible way to build a model: `__init__` creates the layers and keeps them
as attributes (kcore tracks them, and their weights, for you), and `call(inputs, training=None)` runs them in any
Python you like. Here a residual MLP classifies the bundled real MNIST digits; `training` switches on the input
noise and the dropout during `fit` only (`evaluate` and `predict` pass training=False).

To save such a model to a `.keras` archive, the class must be findable again at load time: register it with
`@kcore.saving.register_keras_serializable(package=...)` and return its constructor arguments from
`get_config`. `load_model` then rebuilds the class from that config and loads the trained weights into it.
"""

import argparse
import pathlib

import numpy as np

import kcore
from kcore import layers


@kcore.saving.register_keras_serializable(package="examples")
class ResidualMLP(kcore.Model):
    """Flat images to class probabilities: a projection, `blocks` residual Dense blocks, and a softmax head."""

    def __init__(self, units=128, blocks=2, dropout=0.2, classes=10, **kwargs):
        super().__init__(**kwargs)  # name, trainable, dtype
        self.units, self.num_blocks, self.dropout, self.classes = units, blocks, dropout, classes
        self.noise = layers.GaussianNoise(0.1)  # active only when training
        self.project = layers.Dense(units, activation="relu")
        # A list of layers is tracked too: each block's weights belong to the model.
        self.blocks = [layers.Dense(units, activation="relu") for _ in range(blocks)]
        self.drop = layers.Dropout(dropout)
        self.head = layers.Dense(classes, activation="softmax")

    def call(self, inputs, training=None):
        x = self.noise(inputs, training=training)
        x = self.project(x)
        for block in self.blocks:
            x = x + block(x)  # a residual connection: plain Python arithmetic on the layers' outputs
        x = self.drop(x, training=training)
        return self.head(x)

    def get_config(self):
        # The constructor's arguments, so that `ResidualMLP(**config)` rebuilds the same architecture.
        return {**super().get_config(), "units": self.units, "blocks": self.num_blocks, "dropout": self.dropout,
                "classes": self.classes}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="train on the first LIMIT digits only (default: all)")
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--save", type=pathlib.Path, default=pathlib.Path("residual_mlp.keras"))
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)

    kcore.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source="bundled")
    x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    x_train, x_test = (x.reshape(len(x), -1).astype("float32") / 255 for x in (x_train, x_test))
    y_train, y_test = y_train.astype("int32"), y_test.astype("int32")

    model = ResidualMLP(units=args.units, name="residual_mlp")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.1)
    model.summary()  # after fit: the model is built, so the table knows its weights
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy on {len(x_test)} held-out real MNIST digits: {accuracy:.2%} (loss {loss:.4f})")

    model.save(args.save)
    reloaded = kcore.saving.load_model(args.save)  # finds "examples>ResidualMLP" in the registry
    same = np.allclose(model.predict(x_test[:32], verbose=0), reloaded.predict(x_test[:32], verbose=0), atol=1e-6)
    print(f"saved to {args.save}; reloaded a {type(reloaded).__name__} with {reloaded.num_blocks} residual blocks "
          f"of {reloaded.units} units; it predicts the same: {same}")
    return accuracy


if __name__ == "__main__":
    main()
