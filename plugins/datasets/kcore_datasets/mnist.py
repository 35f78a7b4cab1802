"""MNIST handwritten digits: `load_data()` downloads Keras's 60,000 + 10,000 digits; `load_data(source="bundled")`
reads the 10,000 real test digits shipped inside this package, with no network.

Example:
    >>> (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source="bundled")
    >>> x_train.shape, y_train.dtype, x_test.shape
    ((8000, 28, 28), dtype('uint8'), (2000, 28, 28))

Licence: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative work of NIST's datasets; it is
made available under the Creative Commons Attribution-Share Alike 3.0 licence.
"""

from importlib import resources

import numpy as np

from kcore.errors import ConfigError, DownloadError
from kcore.utils.file_utils import get_file
from kcore_datasets.idx import read_idx

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
BUNDLED = ("data", "mnist")
BUNDLED_TRAIN = 8000  # of the 10,000 bundled digits; the other 2,000 are the test set


def load_data(path="mnist.npz", source="download"):
    """MNIST as `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 28, 28)` with values 0-255 and uint8
    labels `(n,)`, as Keras returns them.

    Args:
        path: the file name in the cache (`$KCORE_HOME/datasets/`).
        source: "download" (Keras's MNIST: 60,000 training and 10,000 test digits, downloaded once, 11 MB) or
            "bundled" (the 10,000 real MNIST test digits shipped in kcore-datasets, no network: the first 8,000
            for training, the last 2,000 for testing).
    """
    if source == "bundled":
        return load_bundled()
    if source != "download":
        raise ConfigError(f"mnist.load_data: `source` must be 'download' or 'bundled'. Received: source={source!r}")
    try:
        path = get_file(fname=path, origin=ORIGIN, file_hash=FILE_HASH)
    except DownloadError as e:
        raise type(e)(f"{e} Or train on the 10,000 MNIST digits shipped with kcore-datasets, which needs no "
                      f"network: kcore.datasets.mnist.load_data(source='bundled').") from e
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def load_bundled():
    """The 10,000 bundled digits, split 8,000 / 2,000 (in their original order)."""
    folder = resources.files("kcore_datasets").joinpath(*BUNDLED)
    with folder.joinpath("t10k-images-idx3-ubyte.gz").open("rb") as f:
        images = read_idx(f)
    with folder.joinpath("t10k-labels-idx1-ubyte.gz").open("rb") as f:
        labels = read_idx(f)
    return (images[:BUNDLED_TRAIN], labels[:BUNDLED_TRAIN]), (images[BUNDLED_TRAIN:], labels[BUNDLED_TRAIN:])

