"""What CIFAR-10 and CIFAR-100 share: reading a batch file of the Python version of the data."""

import os

import numpy as np

from kcore import config
from kcore.errors import KcoreError
from kcore_datasets.safe_pickle import load_pickle


def load_batch(path, label_key="labels"):
    """(images uint8 (n, 3, 32, 32), labels uint8 (n,)) from one pickled CIFAR batch."""
    batch = {key.decode("utf8") if isinstance(key, bytes) else key: value
             for key, value in load_pickle(path).items()}
    if "data" not in batch or label_key not in batch:
        raise KcoreError(f"{path} is not a CIFAR batch (keys {sorted(batch)}; expected 'data' and {label_key!r}). "
                         f"Delete its folder so that it is downloaded again.")
    data = np.asarray(batch["data"], dtype=np.uint8)
    return data.reshape(len(data), 3, 32, 32), np.asarray(batch[label_key], dtype=np.uint8)


def find_folder(extracted, name):
    """The folder `name` inside an extracted archive (Keras 3 extracts into `<fname>`, older Keras beside it)."""
    inner = os.path.join(extracted, name)
    return inner if os.path.isdir(inner) else extracted


def as_keras_layout(x_train, y_train, x_test, y_test):
    """Labels as (n, 1) columns, images channels-last unless `image_data_format()` says channels_first."""
    if config.image_data_format() == "channels_last":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train.reshape(-1, 1)), (x_test, y_test.reshape(-1, 1))
