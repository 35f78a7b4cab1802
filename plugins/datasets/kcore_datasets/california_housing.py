"""California housing (1990 U.S. census, StatLib): 20,640 block groups with 8 features (median income, house
age, average rooms and bedrooms, population, average occupancy, latitude, longitude); targets are median house
values in dollars. https://www.dcc.fc.up.pt/~ltorgo/Regression/cal_housing.html

Example:
    >>> (x_train, y_train), (x_test, y_test) = kcore.datasets.california_housing.load_data(version="small")
    >>> x_train.shape
    (480, 8)
"""

from kcore.errors import ConfigError
from kcore.utils.file_utils import get_file
from kcore_datasets.housing import split
from kcore_datasets.safe_pickle import load_npz

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/california_housing.npz"
FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """`(x_train, y_train), (x_test, y_test)`: x `(n, 8)`, y `(n,)`, shuffled with `seed`, the last `test_split`
    for testing. `version="small"` keeps the first 600 samples (Keras's stand-in for boston_housing)."""
    if version not in ("small", "large"):
        raise ConfigError(f"california_housing.load_data: `version` must be 'small' or 'large'. "
                          f"Received: version={version!r}")
    arrays = load_npz(get_file(path, origin=ORIGIN, file_hash=FILE_HASH))
    x, y = arrays["x"], arrays["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return split(x, y, test_split, seed, "california_housing")
