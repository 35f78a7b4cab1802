"""The convnets of the issue learn real MNIST digits (the first 8,000 to train, the last 2,000 held out)."""

import numpy as np

import kcore
from kcore import layers


def _images(x):
    return (x.astype("float32") / 255.0)[..., None]


def test_the_classic_mnist_convnet_reaches_97_5_percent_on_held_out_digits_in_5_epochs(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    kcore.utils.set_random_seed(1)
    model = kcore.Sequential([
        layers.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(0.5), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=kcore.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(_images(x_train), y_train, batch_size=64, epochs=5, verbose=0)
    _, accuracy = model.evaluate(_images(x_test), y_test, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert accuracy >= 0.975, f"held-out accuracy {accuracy:.4f}"


def test_the_tutorial_convnet_with_global_average_pooling_trains(mnist):
    """Two Conv2D 64, MaxPooling2D, two Conv2D 128, GlobalAveragePooling2D, Dropout, Dense: 256
    digits for two epochs, enough to see the loss fall and the predictions become distributions."""
    (x_train, y_train), _ = mnist
    kcore.utils.set_random_seed(2)
    model = kcore.Sequential([
        layers.Input(shape=(28, 28, 1)),
        layers.Conv2D(64, 3, activation="relu"), layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(128, 3, activation="relu"), layers.Conv2D(128, 3, activation="relu"),
        layers.GlobalAveragePooling2D(), layers.Dropout(0.5), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=kcore.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
    x, y = _images(x_train[:256]), y_train[:256]
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, batch_size=64, epochs=2, verbose=0)
    after = model.evaluate(x, y, verbose=0)
    probabilities = model.predict(x[:8], verbose=0)
    assert after < before
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert probabilities.dtype == np.float32
