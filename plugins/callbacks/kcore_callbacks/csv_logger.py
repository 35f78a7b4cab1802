"""`CSVLogger`: one row of logged values per epoch, streamed to a CSV file (Keras 3's format)."""

import collections.abc
import csv
import os

from kcore.callbacks import Callback


def _cell(value):
    if isinstance(value, str):
        return value
    if getattr(value, "ndim", None) == 0:  # a 0-d array: its number
        return value.item()
    if isinstance(value, collections.abc.Iterable):
        return f"[{', '.join(map(str, value))}]"
    return value


class CSVLogger(Callback):
    """Write `epoch` and every logged value to `filename` at the end of each epoch.

    The columns are `epoch` then the log names sorted; when the first epoch has no validation values, a
    `val_` column is still reserved for each name (filled with "NA" while absent), as Keras does. With
    `append=True` an existing file is continued, and its header is not written again.

    Example:
        >>> model.fit(x, y, epochs=3, callbacks=[CSVLogger("training.csv")])  # doctest: +SKIP
        >>> open("training.csv").read()  # doctest: +SKIP
        'epoch,loss\\r\\n0,0.52\\r\\n1,0.31\\r\\n2,0.24\\r\\n'
    """

    _chief_worker_only = True  # in data-parallel training (kcore.distribution) process 0 alone writes the file

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.keys, self.writer, self.csv_file = None, None, None
        self.append_header = True

    def on_train_begin(self, logs=None):
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="") as existing:
                self.append_header = not existing.readline()
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        # Kept open across epochs (each row is flushed) and closed in on_train_end.
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")  # noqa: SIM115
        self.keys, self.writer = None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys], delimiter=self.sep)
            if self.append_header:
                self.writer.writeheader()
        self.writer.writerow({"epoch": epoch, **{key: _cell(logs.get(key, "NA")) for key in self.keys}})
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
