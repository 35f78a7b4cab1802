"""Write your own layer: attention pooling, with weights made in `build`, used in a model, trained, saved, reloaded.

    python examples/custom_layer.py --epochs 5

A layer is a class with four methods. `__init__` takes and checks its settings; `build(input_shape)` creates its
weights with `add_weight` once the input's shape is known; `call(inputs)` computes with `kcore.ops` (so the same
code runs on every backend, and gradients flow through it); `get_config` returns the settings, so that the
layer can be rebuilt from a saved model. Registering the class with `@kcore.saving.register_keras_serializable`
lets `kcore.saving.load_model` find it again.

The layer here is multi-head attention pooling: for a sequence of vectors, each of its `heads` learns a score
for each step, `v_h . tanh(W x_t + b) + p_th` (what the step holds, plus a learned preference for its position),
turns the scores into weights with a softmax over the steps, and takes the weighted average of the steps; the
heads' averages are concatenated. The model reads each MNIST digit
(bundled, real) as a sequence of 28 rows of 28 pixels, embeds each row with a Dense layer, pools the rows with
attention (one head may learn to look at the top of the digit, another at its middle) and classifies the result.
"""

import argparse
import pathlib

import numpy as np

import kcore
from kcore import layers, ops
from kcore.errors import ConfigError


@kcore.saving.register_keras_serializable(package="examples")
class AttentionPooling1D(layers.Layer):
    """(batch, steps, features) to (batch, heads * features): per head, the average of the steps weighted by
    learned attention.

    Example:
        >>> AttentionPooling1D(units=16, heads=2)(np.ones((2, 5, 8), "float32")).shape
        (2, 16)
    """

    def __init__(self, units=32, heads=1, **kwargs):
        super().__init__(**kwargs)  # name, trainable, dtype
        for argument, value in (("units", units), ("heads", heads)):
            if not isinstance(value, int) or value <= 0:
                raise ConfigError(f"AttentionPooling1D: `{argument}` must be a positive int. "
                                  f"Received: {argument}={value!r}")
        self.units, self.heads = units, heads

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ConfigError(f"AttentionPooling1D '{self.name}' expects inputs of rank 3 (batch, steps, features); "
                              f"received shape {tuple(input_shape)}.")
        steps, features = input_shape[1], input_shape[-1]
        if steps is None:
            raise ConfigError(f"AttentionPooling1D '{self.name}' learns a score per position, so it needs a fixed "
                              f"number of steps; received shape {tuple(input_shape)}. Give the Input a length.")
        # Weights are created here, not in __init__: only now do we know how many features come in.
        self.kernel = self.add_weight(shape=(features, self.units), initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        self.context = self.add_weight(shape=(self.units, self.heads), initializer="glorot_uniform", name="context")
        self.position = self.add_weight(shape=(steps, self.heads), initializer="zeros", name="position")

    def call(self, inputs):
        hidden = ops.tanh(ops.matmul(inputs, self.kernel) + self.bias)  # (batch, steps, units)
        scores = ops.matmul(hidden, self.context) + self.position  # (batch, steps, heads): per step and head
        weights = ops.softmax(scores, axis=1)  # for each head, the steps' weights sum to 1
        pooled = ops.matmul(ops.transpose(weights, (0, 2, 1)), inputs)  # (batch, heads, features)
        return ops.reshape(pooled, (-1, self.heads * inputs.shape[-1]))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.heads * input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "units": self.units, "heads": self.heads}


def build_model(units, heads):
    """28 rows of 28 pixels to ten class probabilities, through the custom layer."""
    return kcore.Sequential([
        layers.Input(shape=(28, 28)),
        layers.Dense(64, activation="relu"),  # applied to each row: (batch, 28, 64)
        AttentionPooling1D(units=units, heads=heads, name="attention_pooling"),  # (batch, heads * 64)
        layers.Dense(10, activation="softmax"),
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="train on the first LIMIT digits only (default: all)")
    parser.add_argument("--units", type=int, default=32, help="size of the attention layer's hidden scores")
    parser.add_argument("--heads", type=int, default=8, help="attention heads, each pooling the rows its own way")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--save", type=pathlib.Path, default=pathlib.Path("attention_pooling.keras"))
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)

    kcore.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source="bundled")
    x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    x_train, x_test = (x.astype("float32") / 255 for x in (x_train, x_test))
    y_train, y_test = y_train.astype("int32"), y_test.astype("int32")

    model = build_model(args.units, args.heads)
    model.summary()
    model.compile(optimizer=kcore.optimizers.Adam(learning_rate=3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.1)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy on {len(x_test)} held-out real MNIST digits: {accuracy:.2%} (loss {loss:.4f})")

    model.save(args.save)
    reloaded = kcore.saving.load_model(args.save)  # finds "examples>AttentionPooling1D" in the registry
    pooling = reloaded.get_layer("attention_pooling")
    same = np.allclose(model.predict(x_test[:32], verbose=0), reloaded.predict(x_test[:32], verbose=0), atol=1e-6)
    print(f"saved to {args.save}; reloaded, its {type(pooling).__name__} has {pooling.heads} heads of {pooling.units} "
          f"units and {len(pooling.weights)} weights; it predicts the same: {same}")
    return accuracy


if __name__ == "__main__":
    main()
