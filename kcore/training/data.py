"""Turning what users pass to `fit`/`evaluate`/`predict` into batches `(x, y, sample_weight)`.

Arrays (NumPy or lists, alone or in lists and dicts for several inputs/outputs) are checked and sliced in
batches; Python generators and `PyDataset`s yield batches themselves.
"""

import collections
import math
import types
import warnings

import numpy as np

from kcore.errors import ConfigError, DTypeError, NonFiniteDataError, ShapeError
from kcore.training.py_dataset import PyDataset
from kcore.utils import tree


def _as_array(x, name):
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        array = x
    else:
        array = np.asarray(x)
    if array.dtype == object:
        raise DTypeError(f"`{name}` holds Python objects (dtype object), probably rows of different lengths or "
                         f"mixed types; expected a numeric array. Pass numeric arrays of one shape, e.g. "
                         f"np.asarray(rows, 'float32').")
    if array.dtype.kind in "USV":
        raise DTypeError(f"`{name}` holds strings or raw bytes (dtype {array.dtype}); models take numbers. Encode "
                         f"the text first (e.g. with a StringLookup or TextVectorization layer, or your own "
                         f"vocabulary).")
    if array.dtype.kind in "cmM":
        raise DTypeError(f"`{name}` has dtype {array.dtype}; expected integers, booleans or real floats. Convert it "
                         f"first, e.g. np.abs(x) or x.real for complex numbers, or x.astype('int64') for dates.")
    if array.ndim == 0:
        raise ShapeError(f"`{name}` is a scalar; pass an array whose first axis runs over samples.")
    return array


def _sample_count(structure, name):
    arrays = tree.flatten(structure)
    counts = {len(a) for a in arrays}
    if len(counts) > 1:
        raise ShapeError(f"The arrays in `{name}` have different numbers of samples: "
                         f"{[len(a) for a in arrays]}. Every input (and target) needs one row per sample.")
    return counts.pop()


def _check_finite(structure, name):
    """Refuse NaN or inf in float arrays (one vectorised pass over each array, done once per fit)."""
    for position, array in enumerate(tree.flatten(structure)):
        if getattr(array, "dtype", None) is None or array.dtype.kind != "f":
            continue
        xp = _namespace(array)
        if bool(xp.isfinite(array).all()):
            continue
        rows = xp.logical_not(xp.isfinite(array)).reshape(len(array), -1).any(axis=1)
        row = int(rows.argmax())
        where = f"`{name}`" if len(tree.flatten(structure)) == 1 else f"`{name}` (array {position})"
        bad = (array[row] if xp is np else _to_numpy(array[row])).ravel()
        value = bad[~np.isfinite(bad)][0]
        raise NonFiniteDataError(f"{where} holds {value} at row {row} ({int(rows.sum())} of {len(array)} rows hold "
                                 f"NaN or inf); expected finite numbers, since the loss would become NaN. Drop or "
                                 f"impute those rows first (np.isfinite finds them, np.nan_to_num replaces them).")


def _to_numpy(array):
    from kcore import backend

    return backend.get().to_numpy(array)


def _namespace(array):
    if isinstance(array, np.ndarray):
        return np
    from kcore import backend

    return backend.get().xp


def class_weights_to_sample_weights(y, class_weight):
    """One weight per sample from a {class index: weight} dict, reading the class from sparse or one-hot y."""
    labels = np.asarray(y)
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = labels.argmax(axis=-1)
    labels = labels.reshape(len(labels), -1)[:, 0].astype("int64")
    missing = set(np.unique(labels).tolist()) - set(class_weight)
    if missing:
        raise ConfigError(f"class_weight has no weight for the classes {sorted(missing)} found in y. Give a "
                          f"weight for every class, e.g. {{0: 1.0, 1: 5.0}}.")
    table = np.zeros(max(max(class_weight), labels.max()) + 1, dtype="float32")
    for cls, weight in class_weight.items():
        table[int(cls)] = weight
    return table[labels]


class ArrayData:
    """In-memory arrays, served in (optionally shuffled) batches."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False, class_weight=None,
                 check_finite=True):
        if batch_size is None:
            batch_size = 32
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ConfigError(f"`batch_size` must be a positive int. Received: batch_size={batch_size!r}")
        self.x = tree.map_structure(lambda a: _as_array(a, "x"), x)
        self.y = None if y is None else tree.map_structure(lambda a: _as_array(a, "y"), y)
        count = _sample_count(self.x, "x")
        if count == 0:
            raise ShapeError("`x` is empty (0 samples); there is nothing to train or predict on.")
        if self.y is not None:
            y_count = _sample_count(self.y, "y")
            if y_count != count:
                raise ShapeError(f"x has {count} samples but y has {y_count}: they must have the same length "
                                 f"(one target per input row).")
        if class_weight is not None:
            if self.y is None or len(tree.flatten(self.y)) != 1:
                raise ConfigError("class_weight needs one target array y (a single-output model).")
            weights = class_weights_to_sample_weights(tree.flatten(self.y)[0], class_weight)
            sample_weight = weights if sample_weight is None else np.asarray(sample_weight) * weights
        if sample_weight is not None:
            sample_weight = tree.map_structure(lambda a: _as_array(a, "sample_weight"), sample_weight)
            if _sample_count(sample_weight, "sample_weight") != count:
                raise ShapeError(f"sample_weight has {_sample_count(sample_weight, 'sample_weight')} entries for "
                                 f"{count} samples; give one weight per sample.")
        if check_finite and self.y is not None:  # fit/evaluate; predict may pass NaN through on purpose
            for structure, name in ((self.x, "x"), (self.y, "y"), (sample_weight, "sample_weight")):
                if structure is not None:
                    _check_finite(structure, name)
        self.sample_weight = sample_weight
        self.count, self.batch_size, self.shuffle = count, batch_size, shuffle
        self.steps = math.ceil(count / batch_size)

    def split(self, fraction):
        """Hold out the last `fraction` of the samples (before any shuffling, as Keras does)."""
        if not 0 < fraction < 1:
            raise ConfigError(f"`validation_split` must be in (0, 1). Received: {fraction!r}")
        cut = int(self.count * (1 - fraction))
        if cut == 0 or cut == self.count:
            raise ConfigError(f"validation_split={fraction} of {self.count} samples leaves an empty training or "
                              f"validation set; use more data or another split.")

        def take(structure, index):
            return None if structure is None else tree.map_structure(lambda a: a[index], structure)

        train = ArrayData(take(self.x, slice(0, cut)), take(self.y, slice(0, cut)),
                          take(self.sample_weight, slice(0, cut)), self.batch_size, self.shuffle, check_finite=False)
        held = ArrayData(take(self.x, slice(cut, None)), take(self.y, slice(cut, None)),
                         take(self.sample_weight, slice(cut, None)), self.batch_size, False, check_finite=False)
        return train, held

    def batches(self, epoch=0, seed=None, shard=None):
        """The batches of one epoch. `shard(start, stop)`, when given, maps each batch's rows to this process's
        part of them (`kcore.distribution`), so that only those rows are gathered."""
        order = None
        if self.shuffle:
            from kcore import backend, random

            order = backend.to_numpy(random.shuffle(np.arange(self.count), seed=seed))  # host indices
        for first in range(0, self.count, self.batch_size):
            start, stop = first, min(first + self.batch_size, self.count)
            if shard is not None:
                start, stop = shard(start, stop)
            index = slice(start, stop) if order is None else order[start:stop]
            yield tuple(None if s is None else tree.map_structure(lambda a, i=index: a[i], s)
                        for s in (self.x, self.y, self.sample_weight))

    def on_epoch_end(self):
        pass


def unpack(batch):
    """A batch as (x, y, sample_weight): a tuple of 1 to 3 items, or x alone."""
    if isinstance(batch, tuple):
        if not 1 <= len(batch) <= 3:
            raise ShapeError(f"A batch must be x, (x,), (x, y) or (x, y, sample_weight); received a tuple of "
                             f"{len(batch)} items.")
        return (*batch, None, None)[:3]
    return batch, None, None


class GeneratorData:
    """Batches from a Python generator or iterator (one pass), or from a PyDataset (indexed per epoch)."""

    def __init__(self, source, steps=None):
        self.source, self.steps = source, steps
        if isinstance(source, PyDataset) and steps is None:
            self.steps = len(source)
        self._iterator = None

    def batches(self, epoch=0, seed=None):
        if isinstance(self.source, PyDataset):
            indices = [i % len(self.source) for i in range(self.steps if self.steps is not None else len(self.source))]
            workers = getattr(self.source, "workers", 1) or 1
            if workers > 1 and len(indices) > 1:
                yield from map(unpack, _read_ahead(self.source, indices, workers))
                return
            for i in indices:
                yield unpack(self.source[i])
            return
        if self._iterator is None:
            self._iterator = iter(self.source)
        produced = 0
        while self.steps is None or produced < self.steps:
            try:
                batch = next(self._iterator)
            except StopIteration:
                if self.steps is not None:
                    warnings.warn(f"The data generator ran out after {produced} of {self.steps} steps; pass a "
                                  f"generator that loops forever, or fewer steps_per_epoch.", stacklevel=4)
                return
            produced += 1
            yield unpack(batch)

    def on_epoch_end(self):
        if isinstance(self.source, PyDataset):
            self.source.on_epoch_end()


def _read_ahead(dataset, indices, workers):
    """`dataset[i]` for each of `indices`, in order, read by `workers` threads up to `max_queue_size` batches
    ahead (Keras's PyDataset(workers=...)): reading files and decoding them overlaps with the training step.
    Every read has finished when this returns or is closed, so `on_epoch_end` never races a read."""
    import concurrent.futures

    if getattr(dataset, "use_multiprocessing", False) and not getattr(dataset, "_warned_threads", False):
        dataset._warned_threads = True
        warnings.warn("PyDataset(use_multiprocessing=True) is read with threads in kcore (its workers share the "
                      "process); batches that spend their time in Python code gain less from them.", stacklevel=4)
    ahead = max(int(getattr(dataset, "max_queue_size", 10) or 10), workers)
    pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="kcore-data")
    pending = collections.deque()
    try:
        position = 0
        for _ in range(len(indices)):
            while position < len(indices) and len(pending) < ahead:
                pending.append(pool.submit(dataset.__getitem__, indices[position]))
                position += 1
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def is_generator_like(x):
    return isinstance(x, (types.GeneratorType, PyDataset)) or (
        hasattr(x, "__next__") and hasattr(x, "__iter__") and not hasattr(x, "shape"))


def make_data(x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False, class_weight=None):
    """The right adapter for `x` (and `y`), with the checks that fail before any training starts."""
    if x is None:
        raise ConfigError("No data: pass `x` (and `y`), a generator, or a PyDataset.")
    if is_generator_like(x):
        if y is not None or sample_weight is not None:
            raise ConfigError("When `x` is a generator or a PyDataset it must yield the targets too: pass y=None "
                              "and sample_weight=None, and yield (x, y) or (x, y, sample_weight) batches.")
        if batch_size is not None and not isinstance(x, PyDataset):
            warnings.warn("`batch_size` is ignored when `x` is a generator: it yields whole batches.", stacklevel=3)
        return GeneratorData(x, steps)
    data = ArrayData(x, y, sample_weight, batch_size, shuffle, class_weight)
    if steps is not None:
        data.steps = min(data.steps, steps)
    return data
