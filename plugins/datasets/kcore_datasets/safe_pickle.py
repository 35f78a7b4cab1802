"""Reading the pickles inside dataset files (CIFAR batches, IMDB and Reuters `.npz`) without running code.

A pickle may name any Python callable, and loading it calls that callable. Dataset files only ever need NumPy
to rebuild arrays, so the unpickler here accepts exactly those names and refuses every other one: a tampered
file fails to load instead of running what it names.
"""

import io
import pickle
import zipfile

import numpy as np

from kcore.errors import KcoreError

ALLOWED = frozenset({
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),  # files written by NumPy 1.x
    ("numpy._core.multiarray", "_reconstruct"),  # and by NumPy 2.x
})


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds NumPy arrays and plain Python values, and nothing else."""

    def find_class(self, module, name):
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load `{module}.{name}`: a dataset file only needs NumPy arrays, "
                                     f"so this file is corrupt or was tampered with")


def load_pickle(path):
    """The object pickled in the file at `path` (bytes keys kept as bytes, as the CIFAR batches have them)."""
    with open(path, "rb") as f:
        try:
            return RestrictedUnpickler(f, encoding="bytes").load()
        except pickle.UnpicklingError as e:
            raise KcoreError(f"Cannot load {path}: {e}. Delete it so that it is downloaded again.") from e


def _read_npy(stream, name, path):
    try:
        return np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError:  # an object array (ragged sequences): its data is a pickle after the header
        stream.seek(0)
        major, _ = np.lib.format.read_magic(stream)
        read_header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
        read_header(stream)  # format 3.0 differs from 2.0 only in the header's text encoding
        try:
            return RestrictedUnpickler(stream).load()
        except pickle.UnpicklingError as e:
            raise KcoreError(f"Cannot load the array {name!r} of {path}: {e}. Delete the file so that it is "
                             f"downloaded again.") from e


def load_npz(path):
    """The arrays of the `.npz` file at `path`, by name; object arrays go through `RestrictedUnpickler`."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[:-4]] = _read_npy(io.BytesIO(raw.read()), member[:-4], path)
    return arrays
