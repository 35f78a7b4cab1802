import pytest


@pytest.fixture(scope="session")
def mnist():
    """The 10,000 real MNIST test digits shipped in kcore-datasets: (x_train, y_train), (x_test, y_test) with
    the first 8,000 for training and the last 2,000 held out; images as uint8 (n, 28, 28), labels as int64."""
    import kcore

    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source="bundled")
    return (x_train, y_train.astype("int64")), (x_test, y_test.astype("int64"))
