"""Fashion-MNIST: 60,000 training and 10,000 test 28x28 grayscale images of 10 kinds of clothing (Zalando).

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.
Licence: MIT, copyright Zalando SE (https://github.com/zalandoresearch/fashion-mnist).

Example:
    >>> (x_train, y_train), (x_test, y_test) = kcore.datasets.fashion_mnist.load_data()
    >>> x_train.shape, y_test.shape
    ((60000, 28, 28), (10000,))
"""

import os

from kcore.utils.file_utils import get_file
from kcore_datasets.idx import read_idx

BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASHES = {
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
}


def load_data():
    """Fashion-MNIST as `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 28, 28)`, uint8 labels `(n,)`,
    cached in `$KCORE_HOME/datasets/fashion-mnist/`."""
    folder = os.path.join("datasets", "fashion-mnist")
    arrays = {name: read_idx(get_file(name, origin=BASE_URL + name, cache_subdir=folder, file_hash=digest))
              for name, digest in FILE_HASHES.items()}
    return ((arrays["train-images-idx3-ubyte.gz"], arrays["train-labels-idx1-ubyte.gz"]),
            (arrays["t10k-images-idx3-ubyte.gz"], arrays["t10k-labels-idx1-ubyte.gz"]))
