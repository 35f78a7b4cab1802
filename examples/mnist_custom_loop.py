"""Train a two-layer MLP on real MNIST digits with kcore's custom-training-loop API.

The model, the loss and an Adam update are written here in a few lines each, on `kcore.ops`, `kcore.Variable`
and `kcore.GradientTape`: what a researcher trying a new idea writes before any plugin is involved.

    python examples/mnist_custom_loop.py --epochs 5
"""

import argparse
import time

import numpy as np

import kcore
from kcore import ops, random


def load_mnist(source):
    """The MNIST digits as flat float32 vectors in [0, 1] and int32 labels (kcore-datasets' loader)."""
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source=source)
    x_train, x_test = (x.reshape(-1, 784).astype("float32") / 255 for x in (x_train, x_test))
    return (x_train, y_train.astype("int32")), (x_test, y_test.astype("int32"))


class MLP:
    """784 -> hidden (ReLU) -> 10 logits, Glorot-uniform initialised."""

    def __init__(self, hidden, seed):
        seeds = random.SeedGenerator(seed)

        def glorot(fan_in, fan_out, name):
            limit = (6 / (fan_in + fan_out)) ** 0.5
            return kcore.Variable(random.uniform((fan_in, fan_out), -limit, limit, seed=seeds), name=name)

        self.w1, self.b1 = glorot(784, hidden, "w1"), kcore.Variable(np.zeros(hidden, "float32"), name="b1")
        self.w2, self.b2 = glorot(hidden, 10, "w2"), kcore.Variable(np.zeros(10, "float32"), name="b2")
        self.variables = [self.w1, self.b1, self.w2, self.b2]

    def __call__(self, x):
        return ops.matmul(ops.relu(ops.matmul(x, self.w1) + self.b1), self.w2) + self.b2


class Adam:
    """Adam (Kingma and Ba, 2015), updating each variable in place."""

    def __init__(self, variables, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.lr, self.b1, self.b2, self.eps, self.t = learning_rate, beta_1, beta_2, epsilon, 0
        self.m = [np.zeros_like(v.value) for v in variables]
        self.v = [np.zeros_like(v.value) for v in variables]

    def apply(self, grads, variables):
        self.t += 1
        step = self.lr * (1 - self.b2**self.t) ** 0.5 / (1 - self.b1**self.t)
        for g, m, v, var in zip(grads, self.m, self.v, variables, strict=True):
            m += (1 - self.b1) * (g - m)
            v += (1 - self.b2) * (g * g - v)
            var.assign_sub(step * m / (np.sqrt(v) + self.eps))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", choices=["bundled", "download"], default="bundled",
                        help="the 10,000 MNIST digits shipped with kcore-datasets, or Keras's full MNIST")
    args = parser.parse_args()

    kcore.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_mnist(args.source)
    model = MLP(args.hidden, args.seed)
    optimizer = Adam(model.variables)
    print(f"kcore {kcore.__version__} on backend {kcore.backend.backend()}: MLP 784-{args.hidden}-10, "
          f"{len(x_train)} training digits, {len(x_test)} test digits")

    for epoch in range(1, args.epochs + 1):
        start, losses = time.perf_counter(), []
        order = random.shuffle(np.arange(len(x_train)), seed=args.seed * 1000 + epoch)
        for i in range(0, len(x_train), args.batch_size):
            batch = order[i: i + args.batch_size]
            with kcore.GradientTape() as tape:
                logits = model(x_train[batch])
                loss = ops.mean(ops.sparse_categorical_crossentropy(y_train[batch], logits, from_logits=True))
            optimizer.apply(tape.gradient(loss, model.variables), model.variables)
            losses.append(float(loss))
        accuracy = float(ops.mean(ops.argmax(model(x_test), axis=-1) == y_test))
        print(f"epoch {epoch}/{args.epochs}  loss {np.mean(losses):.4f}  test accuracy {accuracy:.4f}  "
              f"({time.perf_counter() - start:.1f}s)")
    print(f"final test accuracy on {len(x_test)} held-out real MNIST digits: {accuracy:.2%}")


if __name__ == "__main__":
    main()
