import os

from hypothesis import settings

# Property tests: a fixed, small budget in CI; KCORE_HYPOTHESIS_PROFILE=thorough for a long local run.
settings.register_profile("ci", max_examples=15, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("KCORE_HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


import gzip  # noqa: E402
import pathlib  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

MNIST = pathlib.Path(__file__).resolve().parents[1] / "examples" / "data" / "mnist"


def _idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


@pytest.fixture(scope="session")
def mnist():
    """The 10,000 real MNIST test digits shipped in examples/data: (x_train, y_train), (x_test, y_test) with
    the first 8,000 for training and the last 2,000 held out; images as uint8 (n, 28, 28)."""
    images = _idx(MNIST / "t10k-images-idx3-ubyte.gz")
    labels = _idx(MNIST / "t10k-labels-idx1-ubyte.gz").astype("int64")
    return (images[:8000], labels[:8000]), (images[8000:], labels[8000:])
