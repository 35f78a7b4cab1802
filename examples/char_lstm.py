"""Train a character-level LSTM on Shakespeare, then write some Shakespeare of its own.

    python examples/char_lstm.py --steps 2000 --temperature 0.8

The model reads 64 characters and predicts, at every position, the character that follows: Embedding(64),
LSTM(256, return_sequences=True), and a Dense layer of one logit per character of the vocabulary, trained with
Adam on random windows of tinyshakespeare (batch 32). The text is not part of the repository: pass `--data`, or
keep it at ../shared/datasets/tinyshakespeare/input.txt beside the repository. Sampling copies the weights into
a stateful twin of the model that reads one character at a time.
"""

import argparse
import pathlib
import time

import numpy as np

import kcore
from kcore import layers

DATA = pathlib.Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "tinyshakespeare" / "input.txt"


def build(vocabulary, batch_size=None, stateful=False):
    """The character model; with `stateful`, a twin for sampling that keeps its LSTM states between calls."""
    return kcore.Sequential([
        layers.Input(shape=(None,), batch_size=batch_size, dtype="int32"),
        layers.Embedding(vocabulary, 64),
        layers.LSTM(256, return_sequences=True, stateful=stateful),
        layers.Dense(vocabulary),
    ])


def windows(ids, rng, batch_size, length):
    """`batch_size` random windows of `length` characters, and the same windows shifted by one (the targets)."""
    starts = rng.integers(0, len(ids) - length - 1, size=batch_size)
    offsets = starts[:, None] + np.arange(length + 1)
    chunk = ids[offsets]
    return chunk[:, :-1], chunk[:, 1:]


def sample(model, chars, prime, length, temperature, rng):
    """`length` characters drawn one at a time from the model's softmax at `temperature`, after `prime`."""
    sampler = build(len(chars), batch_size=1, stateful=True)
    sampler.set_weights(model.get_weights())
    index = {c: i for i, c in enumerate(chars)}
    logits = np.asarray(sampler(np.array([[index[c] for c in prime]], "int32")))[0, -1]
    text = []
    for _ in range(length):
        scaled = logits.astype("float64") / max(temperature, 1e-6)
        probabilities = np.exp(scaled - scaled.max())
        choice = rng.choice(len(chars), p=probabilities / probabilities.sum())
        text.append(chars[choice])
        logits = np.asarray(sampler(np.array([[choice]], "int32")))[0, -1]
    return prime + "".join(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=pathlib.Path, default=DATA, help="tinyshakespeare's input.txt")
    parser.add_argument("--steps", type=int, default=500, help="training steps (batches)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--length", type=int, default=64, help="characters per training sequence")
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--sample-length", type=int, default=400)
    parser.add_argument("--prime", default="ROMEO:\n")
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    if not args.data.is_file():
        raise SystemExit(f"No text at {args.data}. Pass --data PATH to tinyshakespeare's input.txt.")
    text = args.data.read_text(encoding="utf-8")
    chars = sorted(set(text))
    lookup = np.zeros(max(map(ord, chars)) + 1, "int32")
    lookup[[ord(c) for c in chars]] = np.arange(len(chars))
    ids = lookup[np.frombuffer(text.encode("utf-32-le"), dtype="<u4")]
    print(f"{len(text):,} characters, a vocabulary of {len(chars)}")

    kcore.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = build(len(chars))
    model.summary()
    model.compile(optimizer=kcore.optimizers.Adam(learning_rate=args.learning_rate),
                  loss=kcore.losses.SparseCategoricalCrossentropy(from_logits=True))

    started, losses = None, []
    for step in range(1, args.steps + 1):
        x, y = windows(ids, rng, args.batch_size, args.length)
        losses.append(float(model.train_on_batch(x, y)))
        if step == 1:
            started = time.perf_counter()  # the first step builds the optimizer; time the rest
        if step % args.log_every == 0 or step == args.steps:
            elapsed = time.perf_counter() - started
            speed = (step - 1) * args.batch_size / elapsed if step > 1 else float("nan")
            print(f"step {step:5d}  loss {np.mean(losses[-args.log_every:]):.4f}  "
                  f"({speed:.0f} sequences/s over {step - 1} steps)")

    print(f"\n--- sampled at temperature {args.temperature} ---")
    print(sample(model, chars, args.prime, args.sample_length, args.temperature, rng))


if __name__ == "__main__":
    main()
