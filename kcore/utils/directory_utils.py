"""What `text_dataset_from_directory` and `image_dataset_from_directory` share: finding the files and their
labels in a directory tree, splitting off a validation subset, and `FileDataset`, the batches that `fit` reads.

The directory layout, as in Keras: one subdirectory per class, in any depth below it the files.

    main_directory/
        class_a/  a_text_1.txt  a_text_2.txt
        class_b/  b_text_1.txt  b_text_2.txt
"""

import os

import numpy as np

from kcore.errors import ConfigError, DTypeError
from kcore.training.py_dataset import PyDataset

LABEL_MODES = ("int", "categorical", "binary", None)


def check_arguments(what, labels, label_mode, class_names, validation_split, subset, shuffle, seed, batch_size):
    """Refuse bad arguments before any file is read. `what` names the function in messages."""
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple, np.ndarray)):
        raise ConfigError(f"{what}: `labels` must be 'inferred' (one class per subdirectory), None (no labels) or a "
                          f"list of integer labels, one per file in sorted path order; received {labels!r}.")
    if labels not in ("inferred", None) and class_names:
        raise ConfigError(f"{what}: `class_names` goes only with labels='inferred': it names and orders the class "
                          f"subdirectories. With explicit labels the classes are the sorted distinct labels.")
    if labels is None and class_names:
        raise ConfigError(f"{what}: `class_names` cannot be given with labels=None (a dataset without labels).")
    if label_mode not in LABEL_MODES:
        raise ConfigError(f"{what}: `label_mode` must be 'int', 'categorical', 'binary' or None; received "
                          f"{label_mode!r}.")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int)
                                   or batch_size <= 0):
        raise ConfigError(f"{what}: `batch_size` must be a positive integer, or None for single samples; "
                          f"received {batch_size!r}.")
    if validation_split is not None and not 0 < validation_split < 1:
        raise ConfigError(f"{what}: `validation_split` must be between 0 and 1 (e.g. 0.2); received "
                          f"{validation_split!r}.")
    if bool(validation_split) != bool(subset):
        raise ConfigError(f"{what}: `validation_split` and `subset` go together: pass both (e.g. "
                          f"validation_split=0.2, subset='training') or neither.")
    if subset not in ("training", "validation", "both", None):
        raise ConfigError(f"{what}: `subset` must be 'training', 'validation' or 'both'; received {subset!r}.")
    if validation_split and shuffle and seed is None:
        raise ConfigError(f"{what}: with `validation_split` and shuffle=True, pass a `seed` (the same in both "
                          f"calls), so that the training and validation subsets do not overlap.")


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False,
                    verbose=True):
    """(file_paths, labels, class_names) for the files under `directory` whose names end in one of `formats`.

    With labels="inferred", each subdirectory (sorted, or in the order of `class_names`) is a class and its files
    at any depth get its index; otherwise the whole tree is walked, and `labels`, when a list, gives one label
    per file in that sorted order. With `shuffle`, paths and labels are shuffled together with `seed`."""
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise ConfigError(f"Directory {directory!r} does not exist (or is not a directory). Pass the folder that "
                          f"holds one subdirectory per class.")
    if labels == "inferred":
        found = sorted(name for name in os.listdir(directory)
                       if os.path.isdir(os.path.join(directory, name)) and not name.startswith("."))
        if class_names is not None:
            missing = [name for name in class_names if name not in found]
            if missing:
                raise ConfigError(f"class_names {missing} have no subdirectory in {directory!r}; its "
                                  f"subdirectories are {found}.")
            found = list(class_names)
        class_names = found
        subdirectories = found
    else:
        subdirectories = [""]
    paths, indices = [], []
    for index, subdirectory in enumerate(subdirectories):
        found_paths = _files(os.path.join(directory, subdirectory), formats, follow_links)
        paths += found_paths
        indices += [index] * len(found_paths)
    if labels == "inferred":
        labels = np.asarray(indices, "int32")
    elif labels is not None:
        if len(labels) != len(paths):
            raise ConfigError(f"{len(labels)} labels were given for the {len(paths)} files found in {directory!r}; "
                              f"pass one label per file, in sorted path order.")
        labels = np.asarray(labels)
        if labels.dtype.kind not in "iu":
            raise DTypeError(f"`labels` must be integers; received an array of dtype {labels.dtype}.")
        labels = labels.astype("int32")
        class_names = [str(label) for label in sorted(set(labels.tolist()))]
    if verbose:
        classes = "" if labels is None else f" belonging to {len(class_names)} classes"
        print(f"Found {len(paths)} files{classes}.")
    if shuffle:
        order = np.random.RandomState(np.random.randint(1e6) if seed is None else seed).permutation(len(paths))
        paths = [paths[i] for i in order]
        labels = None if labels is None else labels[order]
    return paths, labels, class_names


def _files(directory, formats, follow_links):
    """The files under `directory` whose names end in one of `formats` (any case), sorted by folder and name."""
    found = []
    for root, _, names in sorted(os.walk(directory, followlinks=follow_links), key=lambda entry: entry[0]):
        found += [os.path.join(root, name) for name in sorted(names) if name.lower().endswith(formats)]
    return found


def split(paths, labels, validation_split, subset):
    """The training (first) or validation (last `validation_split` of the files) part of `paths` and `labels`."""
    if not validation_split:
        return paths, labels
    validation = int(validation_split * len(paths))
    training = len(paths) - validation
    part = slice(0, training) if subset == "training" else slice(training, None)
    print(f"Using {training if subset == 'training' else validation} files for {subset}.")
    return paths[part], None if labels is None else labels[part]


def datasets_from_directory(what, directory, formats, load, stack, labels, label_mode, class_names, batch_size,
                            shuffle, seed, validation_split, subset, follow_links, verbose):
    """The `FileDataset` (or, for subset="both", the [training, validation] pair) of the files under
    `directory`, each read by `load` and batched by `stack`. `what` names the calling function in messages."""
    check_arguments(what, labels, label_mode, class_names, validation_split, subset, shuffle, seed, batch_size)
    if labels is None or label_mode is None:
        labels = label_mode = None
    seed = np.random.randint(1e6) if seed is None else seed
    paths, labels, class_names = index_directory(directory, labels, formats, class_names, shuffle, seed,
                                                 follow_links, verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ConfigError(f"{what}: label_mode='binary' needs exactly 2 classes; found {len(class_names)}: "
                          f"{class_names}. Use label_mode='int' or 'categorical' for more.")
    if labels is not None:
        labels = encode_labels(labels, label_mode, len(class_names))
    subsets = ["training", "validation"] if subset == "both" else [subset]
    datasets = []
    for part in subsets:
        part_paths, part_labels = split(paths, labels, validation_split, part)
        if not part_paths:
            where = f" for {part}" if part else ""
            raise ConfigError(f"{what}: no files{where} in {os.fspath(directory)!r} ending in one of {formats}"
                              f"{' (the split left none)' if part else ''}.")
        datasets.append(FileDataset(part_paths, part_labels, load, stack, batch_size,
                                    shuffle and part != "validation", seed, class_names))
    return datasets if subset == "both" else datasets[0]


def encode_labels(labels, label_mode, num_classes):
    """Integer labels as `label_mode` wants them: int32 indices, float32 one-hot rows, or float32 (n, 1) 0/1."""
    if label_mode == "categorical" and len(labels) and (labels.min() < 0 or labels.max() >= num_classes):
        raise ConfigError(f"label_mode='categorical' needs labels in [0, {num_classes}) for {num_classes} classes; "
                          f"found labels from {labels.min()} to {labels.max()}. Number the classes from 0.")
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    return labels.astype("int32")


class Batches(PyDataset):
    """The few dataset methods the Keras tutorials call on what `*_dataset_from_directory` returns, for any
    indexed dataset: iteration, `map`, `take`, `cache`, `prefetch` and `cardinality`."""

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def map(self, function, num_parallel_calls=None, deterministic=None):
        """A dataset of `function(*batch)` (or `function(batch)` when a batch is not a tuple), computed per batch
        when read: e.g. `raw.map(lambda text, label: (vectorize(text), label))`. tf.data's `num_parallel_calls`
        and `deterministic` are accepted and have no effect: batches are made one at a time, in order."""
        return MappedDataset(self, function)

    def take(self, count):
        """The first `count` batches, for a look at the data: `for texts, labels in dataset.take(1): ...`."""
        return [self[i] for i in range(min(count, len(self)))]

    def cache(self):
        """A dataset that keeps every batch once read, so later epochs reuse them (and their order)."""
        return CachedDataset(self)

    def prefetch(self, buffer_size=None):
        """This dataset itself: batches are read when `fit` asks for them, with no background reading; accepted
        so that tutorial code that calls it runs unchanged."""
        return self

    def cardinality(self):
        """The number of batches (as tf.data's `cardinality`)."""
        return len(self)


class FileDataset(Batches):
    """Batches read from files on demand: `(samples, labels)`, or `samples` alone when there are no labels.

    `load(path)` reads one sample; `stack(samples)` makes a batch of them. With `shuffle`, the order of the files
    changes every epoch (drawn from `seed`). `class_names` and `file_paths` are as Keras gives them. Iterate it,
    index it, pass it to `fit`/`evaluate`/`predict`, which read it ahead with `workers` threads (up to 4).
    """

    def __init__(self, file_paths, labels, load, stack, batch_size, shuffle, seed, class_names, workers=None):
        # reading and decoding files overlaps with training: `fit` reads batches ahead with this many threads
        super().__init__(workers=min(4, os.cpu_count() or 1) if workers is None else workers)
        self.file_paths, self.labels, self.class_names = list(file_paths), labels, class_names
        self.batch_size, self.shuffle = batch_size, shuffle
        self._load, self._stack = load, stack
        self._random = np.random.RandomState(seed)
        self._order = self._random.permutation(len(self.file_paths)) if shuffle else np.arange(len(file_paths))

    def __len__(self):
        if self.batch_size is None:
            return len(self.file_paths)
        return -(-len(self.file_paths) // self.batch_size)

    def __getitem__(self, index):
        index = _check_index(index, len(self))
        if self.batch_size is None:
            return self._sample(self._order[index])
        rows = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        samples = self._stack([self._load(self.file_paths[i]) for i in rows])
        return samples if self.labels is None else (samples, self.labels[rows])

    def _sample(self, row):
        sample = self._load(self.file_paths[row])
        return sample if self.labels is None else (sample, self.labels[row])

    def on_epoch_end(self):
        if self.shuffle:
            self._order = self._random.permutation(len(self.file_paths))


class MappedDataset(Batches):
    """A dataset whose batches are a function of another's (see `Batches.map`)."""

    def __init__(self, source, function):
        super().__init__(workers=source.workers, max_queue_size=source.max_queue_size)
        self.source, self.function = source, function
        self.class_names = getattr(source, "class_names", None)

    def __len__(self):
        return len(self.source)

    def __getitem__(self, index):
        batch = self.source[index]
        return self.function(*batch) if isinstance(batch, tuple) else self.function(batch)

    def on_epoch_end(self):
        self.source.on_epoch_end()


class CachedDataset(Batches):
    """Another dataset's batches, each kept the first time it is read (see `Batches.cache`)."""

    def __init__(self, source):
        super().__init__(workers=source.workers, max_queue_size=source.max_queue_size)
        self.source, self._kept = source, {}
        self.class_names = getattr(source, "class_names", None)

    def __len__(self):
        return len(self.source)

    def __getitem__(self, index):
        index = _check_index(index, len(self))
        if index not in self._kept:
            self._kept[index] = self.source[index]
        return self._kept[index]


def _check_index(index, length):
    if not -length <= index < length:
        raise IndexError(f"batch {index} of a dataset of {length}")
    return index % length
