"""CIFAR-100: 50,000 training and 10,000 test 32x32 colour images in 100 fine classes grouped into 20 coarse
ones (Krizhevsky, 2009). See https://www.cs.toronto.edu/~kriz/cifar.html.

Example:
    >>> (x_train, y_train), (x_test, y_test) = kcore.datasets.cifar100.load_data(label_mode="coarse")
    >>> int(y_train.max())
    19
"""

import os

from kcore.errors import ConfigError
from kcore.utils.file_utils import get_file
from kcore_datasets.cifar import as_keras_layout, find_folder, load_batch

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
FOLDER = "cifar-100-python"


def load_data(label_mode="fine"):
    """CIFAR-100 as `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 32, 32, 3)` and uint8 labels
    `(n, 1)`, the 100 fine classes (`label_mode="fine"`) or the 20 superclasses ("coarse"). Downloads 169 MB
    once."""
    if label_mode not in ("fine", "coarse"):
        raise ConfigError(f"cifar100.load_data: `label_mode` must be 'fine' or 'coarse'. "
                          f"Received: label_mode={label_mode!r}")
    path = get_file(fname="cifar-100-python-target", origin=ORIGIN, extract=True, file_hash=FILE_HASH)
    path = find_folder(path, FOLDER)
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=f"{label_mode}_labels")
    return as_keras_layout(x_train, y_train, x_test, y_test)
