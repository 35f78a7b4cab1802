"""Keras's legacy HDF5 files: models and weights written by Keras 2 (tf.keras) load, predict and evaluate as in
Keras 2, and a Keras 3 `.h5` file holding operations loads too. The files are in tests/fixtures (see their
READMEs for how they were made)."""

import importlib.util
import pathlib

import h5py
import numpy as np
import pytest

import kcore
from kcore import layers
from kcore.errors import ConfigError
from kcore.saving import CorruptFileError, load_model

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
KERAS2 = FIXTURES / "keras2"


@pytest.fixture(scope="module")
def expected():
    for module in ("kcore_layers_conv", "kcore_layers_recurrent", "kcore_optimizers", "kcore_metrics"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed")
    return np.load(KERAS2 / "expected.npz")


def _conv_model():
    return kcore.Sequential([layers.Input((8, 8, 2)), layers.Conv2D(4, 3, activation="relu"),
                             layers.BatchNormalization(), layers.MaxPooling2D(), layers.Flatten(), layers.Dropout(0.3),
                             layers.Dense(3, activation="softmax")])


def test_a_keras_2_sequential_model_loads_compiled_and_evaluates_as_in_keras_2(expected):
    model = load_model(KERAS2 / "conv_keras2.h5")
    assert [type(layer).__name__ for layer in model.layers] == [
        "Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten", "Dropout", "Dense"]
    assert model.input_shape == (None, 8, 8, 2)  # from the first layer's batch_input_shape
    np.testing.assert_allclose(model.predict(expected["xc"], verbose=0), expected["conv"], rtol=1e-5, atol=1e-6)
    assert type(model.optimizer).__name__ == "Adam"
    np.testing.assert_allclose(model.evaluate(expected["xc"], expected["yc"], verbose=0), expected["conv_evaluate"],
                               rtol=1e-5)


def test_a_keras_2_functional_model_with_masked_recurrent_layers_loads_and_trains_on(expected):
    model = load_model(KERAS2 / "rnn_keras2.h5")
    x, y = [expected["xt"], expected["xf"]], expected["yr"]
    np.testing.assert_allclose(model.predict(x, verbose=0), expected["rnn"], rtol=1e-5, atol=1e-6)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose([loss, accuracy], expected["rnn_evaluate"], rtol=1e-5)
    assert type(model.optimizer).__name__ == "RMSprop"
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < loss


@pytest.mark.parametrize("name", ["nested", "sequence", "convs"])
def test_more_keras_2_layers_and_forms_load_and_predict_as_in_keras_2(expected, name):
    model = load_model(KERAS2 / f"zoo_{name}.h5")
    np.testing.assert_allclose(model.predict(expected[f"zoo_{name}_x"], verbose=0), expected[f"zoo_{name}"],
                               rtol=1e-5, atol=1e-6)


def test_keras_2_weights_load_into_the_same_model_built_in_kcore(expected):
    model = _conv_model()
    model.load_weights(KERAS2 / "conv_keras2_weights.h5")
    np.testing.assert_allclose(model.predict(expected["xc"], verbose=0), expected["conv"], rtol=1e-5, atol=1e-6)
    also = _conv_model()
    also.load_weights(KERAS2 / "conv_keras2.h5")  # a whole-model file gives its weights too
    np.testing.assert_array_equal(also.get_weights()[0], model.get_weights()[0])


def test_weights_for_another_architecture_are_refused_and_nothing_changes(expected):
    model = kcore.Sequential([layers.Input((8, 8, 2)), layers.Conv2D(4, 3), layers.BatchNormalization(),
                              layers.Flatten(), layers.Dense(5)])  # a head of 5 classes, not 3
    before = model.get_weights()
    with pytest.raises(ConfigError, match=r"layer 'dense.*' does not fit the file's layer 'dense.*': shapes"):
        model.load_weights(KERAS2 / "conv_keras2_weights.h5")
    for now, then in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(now, then)
    with pytest.warns(UserWarning, match="skipped layer 'dense"):
        model.load_weights(KERAS2 / "conv_keras2_weights.h5", skip_mismatch=True)
    with h5py.File(KERAS2 / "conv_keras2_weights.h5") as f:
        np.testing.assert_array_equal(model.get_weights()[2], f["batch_normalization/batch_normalization/gamma:0"])
    np.testing.assert_array_equal(model.get_weights()[-1], before[-1])  # the head was skipped
    with pytest.raises(ConfigError, match="the file has weights for 3 layers"):
        kcore.Sequential([layers.Input((4,)), layers.Dense(2)]).load_weights(KERAS2 / "conv_keras2_weights.h5")


def test_a_weights_only_or_broken_h5_file_says_what_it_is(tmp_path, expected):
    with pytest.raises(ConfigError, match=r"holds weights only.*load_weights"):
        load_model(KERAS2 / "conv_keras2_weights.h5")
    broken = tmp_path / "model.h5"
    broken.write_bytes((KERAS2 / "conv_keras2.h5").read_bytes()[:3000])
    with pytest.raises(CorruptFileError, match="not a readable HDF5 file"):
        load_model(broken)
    with pytest.raises(FileNotFoundError, match=r"missing\.h5"):
        load_model(tmp_path / "missing.h5")


def test_a_keras_3_h5_file_with_operations_loads():
    # Keras 3 writes `x + y`, ops.sum, ... into .h5 files without the module that marks them as operations (and
    # cannot read such a file back); kcore tells them from layers by their configs, which hold no layer arguments
    expected = np.load(FIXTURES / "keras3" / "expected.npz")
    model = load_model(FIXTURES / "keras3" / "ops_graph.h5")
    x = [expected["ops_graph_x_0"], expected["ops_graph_x_1"]]
    np.testing.assert_allclose(model.predict(x, verbose=0), expected["ops_graph_predictions"], rtol=1e-5, atol=1e-6)
