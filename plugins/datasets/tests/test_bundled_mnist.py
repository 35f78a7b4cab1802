"""The 10,000 real MNIST test digits shipped in the package: intact, and loaded as Keras loads MNIST."""

import hashlib
import re
import socket
from importlib import resources

import numpy as np
import pytest
from kcore_datasets import mnist

import kcore
from kcore.errors import ConfigError, DownloadError

FOLDER = resources.files("kcore_datasets").joinpath("data", "mnist")
# The MNIST test set's class counts, as published with the data (digits 0 to 9).
CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_the_bundled_files_match_the_hashes_their_readme_states():
    readme = FOLDER.joinpath("README.md").read_text()
    stated = dict(re.findall(r"\| (t10k-\S+\.gz) \| ([0-9a-f]{64}) \|", readme))
    assert len(stated) == 2
    for name, digest in stated.items():
        assert hashlib.sha256(FOLDER.joinpath(name).read_bytes()).hexdigest() == digest
    assert "Creative Commons Attribution-Share Alike 3.0" in readme


def test_bundled_mnist_is_split_8000_2000_with_keras_dtypes_and_shapes():
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source="bundled")
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28)
    assert y_train.shape == (8000,) and y_test.shape == (2000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype("uint8")}
    assert y_train[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]  # the test set's first digits
    assert np.bincount(np.concatenate([y_train, y_test]), minlength=10).tolist() == CLASS_COUNTS
    assert x_train.max() == 255 and x_train.min() == 0 and 0.1 < x_train.mean() / 255 < 0.15
    x_train[0, 0, 0] = 1  # writable, as arrays from np.load are


def test_mnist_rejects_an_unknown_source():
    with pytest.raises(ConfigError, match="bundled"):
        mnist.load_data(source="internet")


def test_downloading_mnist_offline_points_to_the_bundled_digits(monkeypatch, home):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(mnist, "ORIGIN", f"http://127.0.0.1:{port}/mnist.npz")
    with pytest.raises(DownloadError) as raised:
        mnist.load_data()
    message = str(raised.value)
    assert f"http://127.0.0.1:{port}/mnist.npz" in message and str(home / "datasets" / "mnist.npz") in message
    assert "source='bundled'" in message
