"""The seed tutorials' code, with `kcore` in place of `keras`, and the MNIST accuracy bar of the model API."""

import warnings

import numpy as np
import pytest

import kcore
from kcore import layers, models, optimizers
from kcore.errors import KcoreError, OpIndexError, ShapeError, UnknownNameError


def test_two_layer_sequential_with_add_and_input_shape():
    model = models.Sequential()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model.add(layers.Dense(32, activation="relu", input_shape=(784,)))
    model.add(layers.Dense(10, activation="softmax"))
    assert model.output_shape == (None, 10)
    assert model.count_params() == 784 * 32 + 32 + 32 * 10 + 10


def test_functional_model_of_section_3_2_and_legacy_compile():
    input_tensor = layers.Input(shape=(784,))
    x = layers.Dense(32, activation="relu")(input_tensor)
    output_tensor = layers.Dense(10, activation="softmax")(x)
    model = models.Model(inputs=input_tensor, outputs=output_tensor)
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        model.compile(optimizer=optimizers.RMSprop(lr=0.001), loss="mse", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x_data = rng.random((64, 784), dtype="float32")
    y_data = np.eye(10, dtype="float32")[rng.integers(0, 10, 64)]
    history = model.fit(x_data, y_data, epochs=2, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    assert 0 <= history.history["accuracy"][-1] <= 1


def test_older_functional_spelling_input_output():
    a = kcore.Input(shape=(32,))
    b = layers.Dense(32)(a)
    with pytest.warns(DeprecationWarning):
        model = kcore.Model(input=a, output=b)
    assert model.predict(np.ones((3, 32), "float32"), verbose=0).shape == (3, 32)


def _mnist_vectors(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    return (x_train.reshape(-1, 784).astype("float32") / 255, y_train), \
        (x_test.reshape(-1, 784).astype("float32") / 255, y_test)


def test_sequential_mlp_with_early_stopping_evaluate_and_predict(mnist):
    (x_train, y_train), (x_test, y_test) = _mnist_vectors(mnist)
    model = models.Sequential([layers.Input(shape=(784,)), layers.Dense(64, activation="relu"),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train[:3000], y_train[:3000], epochs=20, batch_size=64, verbose=0,
                        validation_split=0.15,
                        callbacks=[kcore.callbacks.EarlyStopping(monitor="val_loss", patience=2)])
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} == set(history.history)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.85 and loss < 0.6
    probabilities = model.predict(x_test[:5], verbose=0)
    assert probabilities.shape == (5, 10) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)


def test_mlp_reaches_95_percent_on_held_out_real_mnist_digits(mnist):
    kcore.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = _mnist_vectors(mnist)
    model = models.Sequential([layers.Input(shape=(784,)), layers.Dense(512, activation="relu"),
                               layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.95, f"accuracy on the last 2,000 digits: {accuracy:.4f}"


def _small_model():
    model = models.Sequential([layers.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def test_wrong_input_shape_is_named():
    with pytest.raises(ShapeError, match=r"expects shape \(None, 4\).*received shape \(8, 5\)"):
        _small_model().fit(np.ones((8, 5), "float32"), np.zeros(8), verbose=0)


def test_mismatched_x_and_y_lengths_are_named():
    with pytest.raises(ShapeError, match="x has 8 samples but y has 6"):
        _small_model().fit(np.ones((8, 4), "float32"), np.zeros(6), verbose=0)


def test_unknown_loss_or_optimizer_name_suggests_the_right_one():
    model = models.Sequential([layers.Input(shape=(4,)), layers.Dense(3)])
    with pytest.raises(UnknownNameError, match="Did you mean 'mse'"):
        model.compile(optimizer="adam", loss="msee")
    with pytest.raises(UnknownNameError, match="Did you mean 'adam'"):
        model.compile(optimizer="adamm", loss="mse")


def test_labels_out_of_range_for_sparse_crossentropy_leave_the_weights_unchanged():
    model = _small_model()
    before = model.get_weights()
    with pytest.raises(OpIndexError, match="3"):
        model.fit(np.ones((8, 4), "float32"), np.full(8, 7), verbose=0)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_fit_before_compile_says_to_compile():
    model = models.Sequential([layers.Input(shape=(4,)), layers.Dense(3)])
    with pytest.raises(KcoreError, match=r"compile\(\)"):
        model.fit(np.ones((8, 4), "float32"), np.zeros(8), verbose=0)
