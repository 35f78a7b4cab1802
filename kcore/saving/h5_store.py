"""Weights in HDF5, in Keras 3's layout: each object's own variables as datasets `<path>/vars/0`, `/vars/1`, ...

Reading is defensive. Before any dataset is read, every link in the file is walked with h5py's low-level API
(links are inspected, not followed): external links, soft links, virtual datasets, datasets stored in external
raw files, and datasets that are not plain numbers are refused, and the declared size of all datasets together
must stay under `archive.LIMITS` (in total, and as a ratio to the file's size, which catches chunked
"compression bombs" and datasets that declare much more data than the file holds).

Example:
    >>> writer = H5Writer()
    >>> writer.make("layers/dense", name="dense")["0"] = np.ones((2, 3), "float32")
    >>> reader = H5Reader(writer.getvalue(), "weights")
    >>> reader.get("layers/dense")["0"].shape
    (2, 3)
"""

import io
import math

import h5py
import numpy as np
from h5py import h5d, h5l, h5o

from kcore.saving import archive
from kcore.saving.errors import CorruptFileError, MissingFileError, UnsafeFileError

_MAX_LINKS = 1_000_000


class H5Writer:
    """Builds a weights file in memory; `getvalue()` closes it and returns its bytes."""

    def __init__(self):
        self._buffer = io.BytesIO()
        self._file = h5py.File(self._buffer, "w")

    def make(self, path, name=None):
        """The (new) variables group of the object at `path` ("" for the root), tagged with its name as Keras."""
        group = self._file.create_group(f"{path}/vars" if path else "vars")
        if name is not None:
            group.attrs["name"] = name
        return _WriteGroup(group)

    def getvalue(self):
        self._file.close()
        return self._buffer.getvalue()


class _WriteGroup:
    def __init__(self, group):
        self._group = group

    def __setitem__(self, key, value):
        self._group.create_dataset(key, data=np.asarray(value))


def _open(source, label):
    try:
        if isinstance(source, bytes):
            return h5py.File(io.BytesIO(source), "r"), len(source)
        import os

        return h5py.File(source, "r"), os.path.getsize(source)
    except FileNotFoundError as e:
        raise MissingFileError(f"No file at {label!r} to load weights from.") from e
    except (OSError, ValueError) as e:
        raise CorruptFileError(f"{label!r} is not a readable HDF5 weights file: {e}. It may be truncated, or not "
                               f"a .weights.h5 file.") from e


def _dataset_bytes(dataset_id, where, label):
    plist = dataset_id.get_create_plist()
    if plist.get_layout() == h5d.VIRTUAL:
        raise UnsafeFileError(f"{label!r}: {where!r} is a virtual dataset, which reads its data from other files. "
                              f"Weights files never hold one; refusing the file.")
    if plist.get_external_count():
        raise UnsafeFileError(f"{label!r}: {where!r} keeps its data in an external raw file. Weights files never do; "
                              f"refusing the file.")
    dtype = dataset_id.dtype
    if dtype.kind not in "biuf":
        raise UnsafeFileError(f"{label!r}: {where!r} holds values of dtype {dtype}, not numbers. Refusing the file.")
    return math.prod(dataset_id.shape or ()), dtype.itemsize


def _validate(h5file, label, file_bytes, limits):
    """Walk every link without following it; return the groups holding datasets and the number of values they
    declare. Raise on anything unsafe."""
    stack, seen, total, values, links, holders = [(h5file.id, "")], set(), 0, 0, 0, set()
    while stack:
        group_id, path = stack.pop()
        for raw in group_id:
            name = raw.decode("utf-8", "replace")
            where = f"{path}/{name}" if path else name
            links += 1
            if links > _MAX_LINKS:
                raise UnsafeFileError(f"{label!r} holds more than {_MAX_LINKS} objects; refusing to walk it.")
            kind = group_id.links.get_info(raw).type
            if kind == h5l.TYPE_EXTERNAL:
                raise UnsafeFileError(f"{label!r}: {where!r} is an external link into another file. Weights files "
                                      f"never hold one; refusing the file.")
            if kind != h5l.TYPE_HARD:
                raise UnsafeFileError(f"{label!r}: {where!r} is a soft or user-defined link, which weights files "
                                      f"never hold; refusing the file.")
            child = h5o.open(group_id, raw)
            info = h5o.get_info(child)
            if info.type == h5o.TYPE_GROUP:
                if info.addr in seen:
                    raise UnsafeFileError(f"{label!r}: the group {where!r} is linked twice (possibly a cycle).")
                seen.add(info.addr)
                stack.append((child, where))
            elif info.type == h5o.TYPE_DATASET:
                count, itemsize = _dataset_bytes(child, where, label)
                total, values = total + count * itemsize, values + count
                holders.add(path)
            else:
                raise UnsafeFileError(f"{label!r}: {where!r} is neither a group nor a dataset.")
    if total > limits.max_total_bytes or (total > limits.ratio_floor and total > limits.max_ratio * file_bytes):
        raise UnsafeFileError(f"{label!r}: its datasets declare {total} bytes in a file of {file_bytes} bytes "
                              f"(limits: {limits.max_total_bytes} bytes, and {limits.max_ratio} times the file's "
                              f"size). Refusing to read it.")
    return holders, values


class H5Reader:
    """A weights file opened for reading, every link checked. `source` is the file's bytes or its path."""

    def __init__(self, source, label, limits=None):
        self.label = label
        self._file, size = _open(source, label)
        try:
            self._holders, self.declared_values = _validate(self._file, label, size, limits or archive.LIMITS)
        except UnsafeFileError:
            self._file.close()
            raise
        except Exception as e:  # h5py's own errors on a damaged file
            self._file.close()
            raise CorruptFileError(f"{label!r} is damaged: {type(e).__name__}: {e}.") from e
        self.read_paths = set()

    def get(self, path):
        """The variables group of the object at `path` (empty if the file has none there)."""
        group_path = f"{path}/vars" if path else "vars"
        self.read_paths.add(group_path)
        group = self._file.get(group_path) if group_path in self._file else None
        return _ReadGroup(group, group_path, self.label)

    def unread_paths(self):
        """Groups of variables that no object asked for (the file was saved from a different model)."""
        return sorted(p for p in self._holders if p not in self.read_paths)

    def has_path(self, path):
        return path in self._file

    def close(self):
        self._file.close()


class _ReadGroup:
    def __init__(self, group, path, label):
        self._group, self.path, self._label = group, path, label

    def keys(self):
        return list(self._group.keys()) if self._group is not None else []

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return self._group is not None and key in self._group

    def __getitem__(self, key):
        if key not in self:
            raise CorruptFileError(f"{self._label!r} has no dataset {self.path}/{key}.")
        try:
            return np.asarray(self._group[key][()])
        except Exception as e:
            raise CorruptFileError(f"{self._label!r}: the dataset {self.path}/{key} cannot be read: "
                                   f"{type(e).__name__}: {e}. The file is truncated or corrupt.") from e
