"""Classify DNA strings: does a sequence carry a TATA box? Text in, a trained and saved classifier out.

    python examples/dna_classification.py --epochs 5

A DNA sequence such as "ATGCCGATGA" is text. `TextVectorization(split="character")` learns its alphabet with
`adapt` and turns each string into a padded sequence of integer indices; an `Embedding` turns those into
vectors, a `Conv1D` slides motif detectors along the sequence, and global max pooling asks "is the motif
anywhere?". The data are generated here (with a seed): random sequences of 40 to 60 bases, half of them with
the TATA-box motif TATAAA planted at a random place (and one base of it sometimes mutated in the others, so
that near misses are negatives). Training runs on the integer sequences; the saved model starts from the
strings themselves, vocabulary included.
"""

import argparse

import numpy as np

import kcore
from kcore import layers

MOTIF = "TATAAA"
BASES = np.array(list("ACGT"))


def make_sequences(count, rng, min_length=40, max_length=60):
    """`count` random DNA strings and their labels: 1 when the sequence holds the motif, else 0."""
    letters = BASES[rng.integers(0, 4, (count, max_length))]
    labels = rng.integers(0, 2, count)
    motifs = np.tile(np.array(list(MOTIF)), (count, 1))
    negatives = np.flatnonzero(labels == 0)
    motifs[negatives, rng.integers(0, len(MOTIF), len(negatives))] = "C"  # a near miss: one base changed
    lengths = rng.integers(min_length, max_length + 1, count)
    starts = rng.integers(0, lengths - len(MOTIF) + 1)
    planted = np.flatnonzero((labels == 1) | (rng.random(count) < 0.5))
    letters[planted[:, None], starts[planted, None] + np.arange(len(MOTIF))] = motifs[planted]
    letters[np.arange(max_length) >= lengths[:, None]] = ""  # shorter strings: trailing empties vanish below
    sequences = np.ascontiguousarray(letters).view(f"<U{max_length}")[:, 0]
    labels = np.char.find(sequences, MOTIF) >= 0  # a random stretch may spell the motif by chance
    return sequences, labels.astype("float32")


def motif_layers(vocabulary_size):
    """Base indices to the probability that the motif is there."""
    return [layers.Embedding(vocabulary_size, 8),
            layers.Conv1D(32, len(MOTIF), activation="relu"),  # 32 learned detectors, 6 bases wide
            layers.GlobalMaxPooling1D(),  # "is it anywhere?"
            layers.Dense(1, activation="sigmoid")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=4000, help="sequences generated (80%% train, 20%% test)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--save", default="dna_classifier.keras", help="where the string-to-label model goes")
    args = parser.parse_args(argv)

    kcore.utils.set_random_seed(args.seed)
    sequences, labels = make_sequences(args.samples, np.random.default_rng(args.seed))
    (train_x, train_y), (test_x, test_y) = kcore.utils.split_dataset((sequences, labels), left_size=0.8)
    print(f"{len(train_x)} training and {len(test_x)} test sequences, e.g. {str(train_x[0])!r} -> {int(train_y[0])}")

    length = int(np.char.str_len(sequences).max())
    vectorize = layers.TextVectorization(split="character", output_sequence_length=length, name="bases")
    vectorize.adapt(train_x)
    print(f"vocabulary: {vectorize.get_vocabulary()} (0 pads, 1 is an unknown base)")
    train_ids, test_ids = vectorize(train_x), vectorize(test_x)

    model = kcore.Sequential([layers.Input(shape=(length,), dtype="int64"),
                              *motif_layers(vectorize.vocabulary_size())])
    model.summary()
    model.compile(optimizer=kcore.optimizers.Adam(learning_rate=3e-3), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(train_ids, train_y, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.1)
    loss, accuracy = model.evaluate(test_ids, test_y, verbose=0)
    print(f"test accuracy on {len(test_x)} held-out sequences: {accuracy:.2%} (loss {loss:.4f})")

    # The model users keep starts from the strings (the vocabulary travels inside it) and has the trained weights.
    strings = layers.Input(shape=(), dtype="string", name="sequence")
    x = vectorize(strings)
    for layer in motif_layers(vectorize.vocabulary_size()):
        x = layer(x)
    classifier = kcore.Model(strings, x, name="dna_classifier")
    classifier.set_weights(model.get_weights())
    classifier.save(args.save)
    reloaded = kcore.saving.load_model(args.save)
    examples = np.array(["GGCTATAAAGGCATCGATCGGA", "GGCTATCAAGGCATCGATCGGA", "TTTTATAAATTT"])
    for sequence, p in zip(examples, np.asarray(reloaded(examples))[:, 0], strict=True):
        print(f"  {sequence}: TATA box with probability {p:.2f}")
    print(f"saved the string-to-label model to {args.save}")
    return accuracy


if __name__ == "__main__":
    main()
