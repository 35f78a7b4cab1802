import gzip
import pathlib

import numpy as np
import pytest

_ROOT = pathlib.Path(__file__).resolve().parents[3]
# Where the real MNIST digits may live: kcore-datasets' copy, the examples' copy, or the shared datasets folder.
_MNIST_DIRS = [_ROOT / "plugins" / "datasets" / "kcore_datasets" / "data" / "mnist", _ROOT / "examples" / "data" /
               "mnist", _ROOT.parent / "shared" / "datasets" / "mnist"]


def _idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


@pytest.fixture(scope="session")
def mnist():
    """The 10,000 real MNIST test digits: (x_train, y_train), (x_test, y_test) with the first 8,000 for training
    and the last 2,000 held out; images as uint8 (n, 28, 28)."""
    folder = next((d for d in _MNIST_DIRS if (d / "t10k-images-idx3-ubyte.gz").exists()), None)
    if folder is None:
        pytest.skip(f"the MNIST digits are in none of {[str(d) for d in _MNIST_DIRS]}")
    images = _idx(folder / "t10k-images-idx3-ubyte.gz")
    labels = _idx(folder / "t10k-labels-idx1-ubyte.gz").astype("int64")
    return (images[:8000], labels[:8000]), (images[8000:], labels[8000:])
