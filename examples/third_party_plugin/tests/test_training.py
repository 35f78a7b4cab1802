"""The three components together in a Keras-style model: compile by name, fit, and the loss goes down."""

import numpy as np

import kcore


def test_a_model_of_scaled_dense_layers_fits_with_charbonnier_and_sign_sgd():
    kcore.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 4)).astype("float32")
    y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2]).astype("float32")
    model = kcore.Sequential([kcore.layers.Input(shape=(4,)),
                              kcore.layers.ScaledDense(16, activation="tanh"),
                              kcore.layers.ScaledDense(1)])
    model.compile(optimizer=kcore.optimizers.SignSGD(learning_rate=0.01), loss="charbonnier")
    history = model.fit(x, y, batch_size=32, epochs=8, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    assert model.predict(x[:3], verbose=0).dtype == np.float32
