"""CIFAR-10: 50,000 training and 10,000 test 32x32 colour images in 10 classes (Krizhevsky, 2009).

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.
See https://www.cs.toronto.edu/~kriz/cifar.html.

Example:
    >>> (x_train, y_train), (x_test, y_test) = kcore.datasets.cifar10.load_data()
    >>> x_train.shape, y_train.shape
    ((50000, 32, 32, 3), (50000, 1))
"""

import os

import numpy as np

from kcore.utils.file_utils import get_file
from kcore_datasets.cifar import as_keras_layout, find_folder, load_batch

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
FOLDER = "cifar-10-batches-py"


def load_data():
    """CIFAR-10 as `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 32, 32, 3)` (channels-last, or
    `(n, 3, 32, 32)` when `image_data_format()` is channels_first) and uint8 labels `(n, 1)`, as Keras returns
    them. Downloads 163 MB once."""
    path = find_folder(get_file(fname=FOLDER, origin=ORIGIN, extract=True, file_hash=FILE_HASH), FOLDER)
    batches = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([x for x, _ in batches])
    y_train = np.concatenate([y for _, y in batches])
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    return as_keras_layout(x_train, y_train, x_test, y_test)
