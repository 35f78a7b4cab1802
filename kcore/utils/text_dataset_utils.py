"""`text_dataset_from_directory`: a dataset of (texts, labels) from a tree of .txt files, one folder per class."""

import numpy as np

from kcore.utils import directory_utils


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """Batches `(texts, labels)` of the `.txt` files under `directory`, as `keras.utils.text_dataset_from_directory`.

    With labels="inferred", each subdirectory of `directory` is a class (in sorted order, or that of
    `class_names`); labels=None gives texts alone; a list gives one integer label per file in sorted path order.
    A batch's texts are a NumPy string array of shape (batch_size,), each file decoded as UTF-8 and cut to its
    first `max_length` characters. `label_mode` "int" gives int32 labels of shape (batch_size,), "categorical"
    float32 one-hot rows, "binary" float32 (batch_size, 1) for two classes. `validation_split` with `subset`
    ("training", "validation", or "both" for the pair) keeps the last fraction of the (seeded) shuffled files
    for validation. The result is a `FileDataset` that `fit` reads; its `class_names` names the classes.

    Example:
        >>> train, validation = text_dataset_from_directory("aclImdb/train", batch_size=32,
        ...                                                 validation_split=0.2, subset="both", seed=1337)
        >>> texts, labels = train[0]
        >>> vectorize.adapt(train.map(lambda texts, labels: texts))
    """
    def load(path):
        with open(path, encoding="utf-8", errors="replace") as file:
            text = file.read()
        return text if max_length is None else text[:max_length]

    def stack(texts):
        return np.array(texts, dtype=str)

    return directory_utils.datasets_from_directory(
        "text_dataset_from_directory", directory, (".txt",), load, stack, labels, label_mode, class_names,
        batch_size, shuffle, seed, validation_split, subset, follow_links, verbose)
