"""`timeseries_dataset_from_array`: sliding windows over a series, in batches that `fit` takes."""

import numbers

import numpy as np

from kcore.errors import ConfigError
from kcore.training.py_dataset import PyDataset


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None):
    """Windows of `sequence_length` timesteps (every `sampling_rate`-th row) over `data[start_index:end_index]`,
    one starting every `sequence_stride` rows, with the target of the window starting at row `i` being
    `targets[start_index:end_index][i]`; as in `keras.utils.timeseries_dataset_from_array`.

    Returns a `PyDataset` of batches `(windows, targets)` (or `windows` when `targets` is None), windows of shape
    `(batch, sequence_length, *data.shape[1:])`; with `batch_size=None`, of single windows. `shuffle` shuffles
    the windows' order once, with `seed`.

    Example:
        >>> data = np.arange(10)
        >>> batches = timeseries_dataset_from_array(data, data[3:], sequence_length=3, batch_size=4)
        >>> x, y = batches[0]
        >>> x[1].tolist(), int(y[1])
        ([1, 2, 3], 4)
    """
    data = np.asarray(data)
    targets = None if targets is None else np.asarray(targets)
    _positive("sequence_length", sequence_length)
    _positive("sequence_stride", sequence_stride)
    _positive("sampling_rate", sampling_rate)
    if batch_size is not None:
        _positive("batch_size", batch_size)
    start = 0 if start_index is None else _index("start_index", start_index, 0, len(data) - 1)
    end = len(data) if end_index is None else _index("end_index", end_index, start + 1, len(data))
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets) - start)
    if count <= 0:
        raise ConfigError(f"timeseries_dataset_from_array: no window of sequence_length={sequence_length} and "
                          f"sampling_rate={sampling_rate} fits in the {end - start} rows between start_index and "
                          f"end_index. Use a shorter sequence_length or more data.")
    starts = np.arange(0, count, sequence_stride)
    if shuffle:
        np.random.RandomState(np.random.randint(1e6) if seed is None else seed).shuffle(starts)
    return _Windows(data[start:end], None if targets is None else targets[start:], starts,
                    np.arange(sequence_length) * sampling_rate, batch_size)


class _Windows(PyDataset):
    def __init__(self, data, targets, starts, offsets, batch_size):
        super().__init__()
        self.data, self.targets, self.starts, self.offsets = data, targets, starts, offsets
        self.batch_size = batch_size

    def __len__(self):
        if self.batch_size is None:
            return len(self.starts)
        return -(-len(self.starts) // self.batch_size)

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"batch {index} of a dataset of {len(self)}")
        index %= len(self)
        size = 1 if self.batch_size is None else self.batch_size
        starts = self.starts[index * size:(index + 1) * size]
        windows = self.data[starts[:, None] + self.offsets]
        if self.batch_size is None:
            windows, starts = windows[0], starts[0]
        return windows if self.targets is None else (windows, self.targets[starts])


def _positive(name, value):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"timeseries_dataset_from_array: {name} must be a positive integer; received "
                          f"{value!r}.")


def _index(name, value, low, high):
    if not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise ConfigError(f"timeseries_dataset_from_array: {name} must be an integer in [{low}, {high}] for data "
                          f"of this length; received {value!r}.")
    return int(value)
