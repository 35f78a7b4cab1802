"""Boston housing prices (StatLib, late 1970s): 506 samples of 13 attributes; targets are median house values
in k$. Keras keeps it with a warning that applies here too: one attribute ("B") encodes a racist assumption,
so the dataset is best used only to illustrate ethical problems in data science. Prefer
`california_housing.load_data(version="small")`.

Example:
    >>> (x_train, y_train), (x_test, y_test) = kcore.datasets.boston_housing.load_data()
    >>> x_train.shape
    (404, 13)
"""

from kcore.utils.file_utils import get_file
from kcore_datasets.housing import split
from kcore_datasets.safe_pickle import load_npz

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """`(x_train, y_train), (x_test, y_test)`: x `(n, 13)`, y `(n,)`, shuffled with `seed`, the last `test_split`
    for testing. float64, as stored and as Keras returns them: cast with `.astype("float32")` for training."""
    arrays = load_npz(get_file(path, origin=ORIGIN, file_hash=FILE_HASH))
    x, y = arrays["x"], arrays["y"]
    return split(x, y, test_split, seed, "boston_housing")
