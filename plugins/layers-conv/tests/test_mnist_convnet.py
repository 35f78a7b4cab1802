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


def _convnet():
    kcore.utils.set_random_seed(3)
    return kcore.Sequential([
        layers.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu", bias_initializer="random_normal"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu", bias_initializer="random_normal"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(0.5), layers.Dense(10, activation="softmax")])


def _without_kernels():
    """Every registered op back on its own code, as on a backend with no kernels (restored by `_with_kernels`)."""
    for _, op in kcore.plugins.manager().registry.items("op"):
        op.select(None)


def _with_kernels():
    kcore.backend.bind_kernels(kcore.plugins.manager())


def test_one_digit_predicted_is_the_forward_pass_a_tape_records_and_the_gradients_are_the_ops(mnist):
    """Inference on one image takes the fast paths (the C passes, no VJPs, checks remembered per shape); under a
    tape the same model records the ops as written. Both give the same values, bit for bit; and the recorded
    gradients are those of the ops on their own code, without any kernel."""
    (x_train, y_train), _ = mnist
    model = _convnet()
    one = _images(x_train[:1])
    predicted = model.predict_on_batch(one)
    np.testing.assert_array_equal(model.predict_on_batch(one), predicted)

    def recorded(x, labels):
        with kcore.GradientTape() as tape:
            probabilities = model(x, training=False)
            picked = kcore.ops.take_along_axis(probabilities, labels[:, None], axis=1)
            loss = -kcore.ops.sum(kcore.ops.log(picked))
        return kcore.backend.to_numpy(probabilities), [kcore.backend.to_numpy(g) for g in
                                                      tape.gradient(loss, model.trainable_variables)]

    np.testing.assert_array_equal(recorded(one, y_train[:1])[0], predicted)  # a batch as large: the same products
    values, gradients = recorded(_images(x_train[:3]), y_train[:3])
    _without_kernels()
    try:
        reference_values, reference_gradients = recorded(_images(x_train[:3]), y_train[:3])
        reference_predicted = model.predict_on_batch(one)
    finally:
        _with_kernels()
    np.testing.assert_allclose(predicted, reference_predicted, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(values, reference_values, rtol=1e-6, atol=1e-7)
    for grad, reference in zip(gradients, reference_gradients, strict=True):
        np.testing.assert_allclose(grad, reference, rtol=1e-4, atol=1e-6)
