"""Saving and loading: the Keras 3 `.keras` archive and `.weights.h5` files, round trips of every model kind,
training resumed from a file, atomic writes, and files exchanged with Keras 3 itself."""

import importlib.util
import io
import json
import os
import pathlib
import signal
import subprocess
import sys
import zipfile

import h5py
import numpy as np
import pytest

import kcore
from kcore import layers, ops
from kcore.errors import ConfigError, ShapeError
from kcore.saving import load_model

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "keras3"
RNG = np.random.default_rng(0)


def _mlp(name=None, dropout=0.25):
    """Dense, BatchNormalization (non-trainable variables), Dropout (none) and Dense, compiled with Adam."""
    model = kcore.Sequential([layers.Input(shape=(5,)), layers.Dense(8, activation="relu"),
                              layers.BatchNormalization(), layers.Dropout(dropout), layers.Dense(2)], name=name)
    model.compile(optimizer=kcore.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def _data(n=32):
    return RNG.random((n, 5), dtype="float32"), RNG.random((n, 2), dtype="float32")


def _h5_members(archive_path):
    with zipfile.ZipFile(archive_path) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as f:
        found = {}
        f.visititems(lambda name, obj: found.__setitem__(name, obj[()] if isinstance(obj, h5py.Dataset) else
                                                         dict(obj.attrs)))
        return found


def _assert_same_weights(a, b):
    assert len(a.weights) == len(b.weights)
    for x, y in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(x, y)


# -- round trips ------------------------------------------------------------------------------------------------


def test_a_sequential_model_round_trips_with_its_weights_compile_arguments_and_optimizer_state(tmp_path):
    model = _mlp("mlp")
    x, y = _data()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    model.save(tmp_path / "mlp.keras")
    restored = load_model(tmp_path / "mlp.keras")
    assert type(restored) is kcore.Sequential and restored.name == "mlp"
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert restored.compiled and type(restored.optimizer).__name__ == "Adam"
    assert restored.optimizer.learning_rate == 0.01 and int(restored.optimizer.iterations.value) == 8
    for saved, loaded in zip(model.optimizer.variables, restored.optimizer.variables, strict=True):
        np.testing.assert_array_equal(saved.numpy(), loaded.numpy())
    assert restored.evaluate(x, y, verbose=0, return_dict=True) == model.evaluate(x, y, verbose=0, return_dict=True)


def test_a_functional_model_with_shared_layers_branches_and_a_nested_model_round_trips(tmp_path):
    inner = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(4, activation="tanh")], name="inner")
    a, b = layers.Input(shape=(4,), name="a"), layers.Input(shape=(4,), name="b")
    shared = layers.Dense(4, name="shared")
    x = layers.Add()([shared(a), shared(b)])
    x = layers.Concatenate()([inner(x), layers.Dense(3, name="side")(a)])
    model = kcore.Model([a, b], [layers.Dense(1, name="out")(x), layers.Dense(2, name="aux")(x * 2.0)])
    model.save(tmp_path / "graph.keras")
    restored = load_model(tmp_path / "graph.keras")
    assert [layer.name for layer in restored.layers] == [layer.name for layer in model.layers]
    data = [RNG.random((3, 4), dtype="float32"), RNG.random((3, 4), dtype="float32")]
    for got, want in zip(restored.predict(data, verbose=0), model.predict(data, verbose=0), strict=True):
        np.testing.assert_array_equal(got, want)
    assert not restored.compiled  # it was never compiled, so there is no compile_config


@kcore.saving.register_keras_serializable(package="test_saving")
class TwoTowers(kcore.Model):
    """A subclassed model with sublayers in attributes and in a list, and a constructor argument."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.blocks = [layers.Dense(units, activation="relu"), layers.Dense(units)]
        self.head = layers.Dense(1)

    def call(self, inputs):
        x = inputs
        for block in self.blocks:
            x = block(x)
        return self.head(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_a_registered_subclassed_model_round_trips_by_its_registered_name(tmp_path):
    model = TwoTowers(units=5)
    model.compile(optimizer="adam", loss="mse")
    x, y = RNG.random((16, 4), dtype="float32"), RNG.random((16, 1), dtype="float32")
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "towers.keras")
    with zipfile.ZipFile(tmp_path / "towers.keras") as archive:
        config = json.loads(archive.read("config.json"))
    assert config["registered_name"] == "test_saving>TwoTowers" and config["config"]["units"] == 5
    restored = load_model(tmp_path / "towers.keras")
    assert type(restored) is TwoTowers and restored.units == 5
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    _assert_same_weights(restored, model)
    assert int(restored.optimizer.iterations.value) == 1


def test_an_unregistered_subclassed_model_loads_only_with_custom_objects(tmp_path):
    class Unregistered(kcore.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    model = Unregistered()
    model(np.ones((1, 3), "float32"))
    model.save(tmp_path / "plain.keras")
    with pytest.raises(ConfigError, match=r"Unregistered.*custom_objects"):
        load_model(tmp_path / "plain.keras")
    restored = load_model(tmp_path / "plain.keras", custom_objects={"Unregistered": Unregistered})
    _assert_same_weights(restored, model)


def test_training_resumed_from_a_saved_model_ends_where_an_uninterrupted_run_ends(tmp_path):
    """shuffle=False: the batch order comes from the global random state, which loading a model (its layers'
    initializers) also draws from, and which a .keras file does not hold (nor does Keras's). Adam and
    BatchNormalization's moving statistics are part of the state that must carry over; the Dropout layer is
    left out because its masks also come from the global random state."""
    x, y = _data(64)

    def fresh():
        kcore.utils.set_random_seed(3)
        model = kcore.Sequential([layers.Input(shape=(5,)), layers.Dense(8, activation="relu"),
                                  layers.BatchNormalization(), layers.Dense(2)])
        model.compile(optimizer=kcore.optimizers.Adam(0.01), loss="mse")
        return model

    uninterrupted = fresh()
    uninterrupted.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0)
    first_half = fresh()
    first_half.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    first_half.save(tmp_path / "half.keras")
    resumed = load_model(tmp_path / "half.keras")
    resumed.fit(x, y, batch_size=16, epochs=4, initial_epoch=2, shuffle=False, verbose=0)
    _assert_same_weights(resumed, uninterrupted)
    assert int(resumed.optimizer.iterations.value) == 16


def test_weights_files_round_trip_weights_and_optimizer_state_into_a_model_built_in_code(tmp_path):
    x, y = _data()
    model = _mlp(dropout=0.0)  # no dropout: its masks would differ between the two models
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save_weights(tmp_path / "mlp.weights.h5")
    other = _mlp(dropout=0.0)
    other.load_weights(tmp_path / "mlp.weights.h5")
    _assert_same_weights(other, model)
    assert int(other.optimizer.iterations.value) == 4
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    other.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    _assert_same_weights(other, model)
    third = _mlp(dropout=0.0)
    third.load_weights(tmp_path / "mlp.weights.h5")  # weights can also come from a .keras archive
    model.save(tmp_path / "mlp.keras")
    third.load_weights(tmp_path / "mlp.keras")
    _assert_same_weights(third, model)


def test_the_archive_and_the_weights_file_have_keras_3s_layout(tmp_path):
    model = _mlp("mlp")
    model.fit(*_data(8), epochs=1, verbose=0)
    model.save(tmp_path / "mlp.keras")
    with zipfile.ZipFile(tmp_path / "mlp.keras") as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
        metadata, config = (json.loads(archive.read(n)) for n in ("metadata.json", "config.json"))
    assert {"keras_version", "date_saved"} <= set(metadata)
    assert {"module", "class_name", "config", "registered_name", "build_config", "compile_config"} <= set(config)
    assert (config["module"], config["class_name"]) == ("keras", "Sequential")
    assert [(c["module"], c["class_name"], c["registered_name"]) for c in config["config"]["layers"][1:]] == [
        ("keras.layers", "Dense", None), ("keras.layers", "BatchNormalization", None),
        ("keras.layers", "Dropout", None), ("keras.layers", "Dense", None)]
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["compile_config"]["loss"] == "mse" and config["compile_config"]["metrics"] == ["mae"]
    found = _h5_members(tmp_path / "mlp.keras")
    dense, norm = model.layers[0], model.layers[1]  # BatchNormalization: gamma, beta, moving mean, variance
    np.testing.assert_array_equal(found["layers/dense/vars/0"], dense.kernel.numpy())
    np.testing.assert_array_equal(found["layers/dense/vars/1"], dense.bias.numpy())
    for i, variable in enumerate([norm.gamma, norm.beta, norm.moving_mean, norm.moving_variance]):
        np.testing.assert_array_equal(found[f"layers/batch_normalization/vars/{i}"], variable.numpy())
    assert found["layers/dense_1/vars/0"].shape == (8, 2) and found["layers/dense/vars"] == {"name": dense.name}
    assert found["vars"] == {"name": "mlp"} and found["layers/dropout/vars"] == {"name": model.layers[2].name}
    assert found["optimizer/vars/0"] == 1 and found["optimizer/vars/1"] == np.float32(0.01)
    assert len([k for k in found if k.startswith("optimizer/vars/")]) == 2 + 2 * 6  # counter, rate, m and v


def _branches():
    a, b = layers.Input(shape=(4,), name="a"), layers.Input(shape=(4,), name="b")
    x = layers.Add(name="add")([layers.Dense(4, name="d1")(a), layers.Dense(4, name="d2")(b)])
    x = layers.Concatenate(name="concatenate")([layers.Dense(3, name="q")(a), layers.Dense(3, name="p")(x)])
    return kcore.Model([a, b], x)


def _ops_graph():
    """kcore.ops on symbolic tensors between two Dense layers: arithmetic with a constant, a list op, reductions
    over a tuple of axes, reshaping, slicing with slices and Ellipsis, einsum and stack."""
    c, d = layers.Input(shape=(4, 3)), layers.Input(shape=(4, 3))
    x = ops.concatenate([(layers.Dense(3)(c) + d) * 0.5, c], axis=-1)
    x = ops.relu(ops.sum(x, axis=1) / 4.0) - ops.expand_dims(ops.mean(d, axis=(1, 2)), -1)
    x = ops.transpose(ops.reshape(x, (-1, 2, 3)), (0, 2, 1))
    z = x[:, 1:, ...]
    x = ops.concatenate([layers.Flatten()(x), ops.einsum("bij,bij->bi", z, z),
                         ops.stack([x[:, 0, 0], x[:, 1, 1]], axis=-1)], axis=-1)
    return kcore.Model([c, d], ops.softmax(layers.Dense(2)(x), axis=-1))


def test_ops_on_symbolic_tensors_are_saved_as_keras_operations_and_load_back(tmp_path):
    model = _ops_graph()
    model.save(tmp_path / "ops.keras")
    with zipfile.ZipFile(tmp_path / "ops.keras") as archive:
        entries = json.loads(archive.read("config.json"))["config"]["layers"]
    kinds = {(e["module"], e["class_name"]) for e in entries}
    assert {("keras.src.ops.numpy", "Add"), ("keras.src.ops.numpy", "Concatenate"), ("keras.src.ops.nn", "Softmax"),
            ("keras.src.ops.numpy", "Einsum"), ("keras.src.ops.numpy", "GetItem")} <= kinds
    einsum = next(e for e in entries if e["class_name"] == "Einsum")
    assert einsum["config"] == {"name": einsum["name"], "subscripts": "bij,bij->bi"}  # static, as Keras files it
    slicing = next(e for e in entries if e["class_name"] == "GetItem")["inbound_nodes"][0]["args"][1]
    assert slicing[1]["class_name"] == "__slice__" and slicing[2] == {"class_name": "__ellipsis__", "config": {}}
    x = [RNG.random((3, 4, 3), dtype="float32") for _ in range(2)]
    loaded = load_model(tmp_path / "ops.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert len(loaded.layers) == len(model.layers) == 5 and len(loaded.weights) == 4  # the ops are not layers


def test_a_keras_operation_kcore_does_not_have_is_named():
    config = {"module": "keras.src.ops.numpy", "class_name": "Kron", "config": {"name": "kron"},
              "registered_name": "Kron"}
    with pytest.raises(ConfigError, match=r"Keras's operation 'Kron'.*which kcore's ops do not include"):
        kcore.saving.deserialize_keras_object(config)


def test_a_functional_models_weights_are_filed_in_keras_3s_layer_order(tmp_path):
    """Keras lists a functional model's layers by depth from the inputs (here d1, d2, add, q, p: Keras 3.15 on
    the same graph), and files them by class in that order, so a branching model's file reads in both."""
    from kcore.saving.object_tree import keras_layer_order

    model = _branches()
    assert [layer.name for layer in keras_layer_order(model)] == ["a", "b", "d1", "d2", "add", "q", "p",
                                                                  "concatenate"]
    model.save(tmp_path / "branches.keras")
    found = _h5_members(tmp_path / "branches.keras")
    assert [found[f"layers/{path}/vars"]["name"] for path in ("dense", "dense_1", "dense_2", "dense_3")] == [
        "d1", "d2", "q", "p"]
    assert found["layers/input_layer_1/vars"] == {"name": "b"}


def test_a_branching_models_optimizer_state_is_filed_in_keras_order_and_resumes_exactly(tmp_path):
    """kcore builds the optimizer over its own order of variables (q first here); the file holds the slots in the
    order Keras creates them (d1 first), and loading maps them back."""
    model = _branches()
    model.compile(optimizer=kcore.optimizers.Adam(0.05), loss="mse")
    x, y = [RNG.random((6, 4), dtype="float32"), RNG.random((6, 4), dtype="float32")], RNG.random((6, 6)).astype(
        "float32")
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "branches.keras")
    found = _h5_members(tmp_path / "branches.keras")
    assert [found[f"optimizer/vars/{i}"].shape for i in range(2, 6)] == [(4, 4), (4, 4), (4,), (4,)]  # d1's m, v
    np.testing.assert_array_equal(found["optimizer/vars/2"], model.optimizer._momentums[
        model.optimizer._var_index(model.get_layer("d1").kernel)].numpy())
    restored = load_model(tmp_path / "branches.keras")
    model.train_on_batch(x, y)
    restored.train_on_batch(x, y)
    _assert_same_weights(restored, model)


def test_loading_weights_that_do_not_fit_changes_no_weight(tmp_path):
    small = kcore.Sequential([layers.Input(shape=(5,)), layers.Dense(3), layers.Dense(2)])
    small.save_weights(tmp_path / "small.weights.h5")
    wide = kcore.Sequential([layers.Input(shape=(5,)), layers.Dense(3), layers.Dense(4)])
    before = wide.get_weights()
    with pytest.raises(ShapeError, match=r"dense.*\(3, 4\).*\(3, 2\)"):
        wide.load_weights(tmp_path / "small.weights.h5")
    for got, want in zip(wide.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, want)
    with pytest.warns(UserWarning, match="Skipped loading"):
        wide.load_weights(tmp_path / "small.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(wide.layers[0].kernel.numpy(), small.layers[0].kernel.numpy())
    np.testing.assert_array_equal(wide.layers[1].kernel.numpy(), before[2])


def test_save_checks_the_file_name_the_model_and_overwrite(tmp_path):
    model = _mlp()
    with pytest.raises(ConfigError, match=r"\.keras"):
        model.save(tmp_path / "model.zip")
    with pytest.raises(ConfigError, match="legacy HDF5"):
        model.save(tmp_path / "model.h5")
    with pytest.raises(ConfigError, match=r"\.weights\.h5"):
        model.save_weights(tmp_path / "model.h5")
    with pytest.raises(kcore.KcoreError, match="not built"):
        kcore.Sequential([layers.Dense(2)]).save(tmp_path / "unbuilt.keras")
    model.save(tmp_path / "model.keras")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save(tmp_path / "model.keras", overwrite=False)
    with pytest.raises(FileNotFoundError, match=r"missing.keras"):
        load_model(tmp_path / "missing.keras")
    assert kcore.models.load_model(tmp_path / "model.keras").count_params() == model.count_params()


# -- nothing lost -------------------------------------------------------------------------------------------------


def test_a_save_that_fails_half_way_leaves_the_previous_file_and_no_temporary_file(tmp_path, monkeypatch):
    model = _mlp()
    model.save(tmp_path / "model.keras")
    before = (tmp_path / "model.keras").read_bytes()
    model.fit(*_data(8), epochs=1, verbose=0)  # new weights, that the failed save must not leave behind
    writestr = zipfile.ZipFile.writestr

    def fail_on_the_weights(self, name, data, *args, **kwargs):
        if name == "model.weights.h5":  # config.json is already in the temporary file
            raise OSError("No space left on device")
        return writestr(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", fail_on_the_weights)
    with pytest.raises(OSError, match="No space left"):
        model.save(tmp_path / "model.keras")
    assert (tmp_path / "model.keras").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]


def _save_forever(path, report, version):
    """In a forked child: save a ~2 MB model again and again, with every weight set to `version`, then
    `version + 1`, ..., writing a byte to `report` at each step of a save (so the parent can kill it anywhere)."""
    from kcore.saving import archive, h5_store

    def tell(function):
        def wrapped(*args, **kwargs):
            os.write(report, b".")
            return function(*args, **kwargs)
        return wrapped

    archive.write_archive = tell(archive.write_archive)  # the save has serialized the config
    h5_store.H5Writer.getvalue = tell(h5_store.H5Writer.getvalue)  # the weights are serialized
    zipfile.ZipFile.writestr = tell(zipfile.ZipFile.writestr)  # each of the three members
    os.fsync = tell(os.fsync)  # before the flush to disk
    os.replace = tell(os.replace)  # before the rename over the target
    model = kcore.Sequential([layers.Input(shape=(1000,)), layers.Dense(500), layers.Dense(10)])
    while True:
        model.set_weights([np.full(w.shape, version, "float32") for w in model.get_weights()])
        os.write(report, b".")  # a save begins (the previous one has returned)
        model.save(path)
        version += 1


_KILL_EVENTS = 8  # bytes the child writes per save: one as it begins, then one per step above


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kills a forked child process (POSIX)")
def test_killing_a_process_while_it_saves_always_leaves_a_file_that_loads(tmp_path):
    """A child saving in a loop is SIGKILLed 24 times, each time after a different step of its first or second
    save (as it begins, after the config, after the weights are serialized, after each member is written to the
    temporary file, before the fsync, before the rename). Each time the file on disk must load and hold one whole
    save: the one before, or one of the child's. Killed saves leave their temporary file behind (nothing can remove
    it), and it never takes the target's place."""
    path = str(tmp_path / "big.keras")
    model = kcore.Sequential([layers.Input(shape=(1000,)), layers.Dense(500), layers.Dense(10)])
    model.set_weights([np.zeros(w.shape, "float32") for w in model.get_weights()])
    model.save(path)
    on_disk = 0.0
    for trial in range(24):
        first = 1000.0 * (trial + 1)  # the versions this child saves: first, first + 1, ...
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            try:
                os.close(read_end)
                _save_forever(path, write_end, first)
            finally:
                os._exit(1)
        os.close(write_end)
        steps = 1 + trial % (2 * _KILL_EVENTS)
        for _ in range(steps):
            assert os.read(read_end, 1) == b".", "the saving child died on its own"
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)
        weights = load_model(path, compile=False).get_weights()
        value = float(weights[0].flat[0])
        assert all(np.all(w == value) for w in weights), "the file mixes two saves"
        assert value in (on_disk, first, first + 1), (trial, steps, value)
        if steps > _KILL_EVENTS:  # the first save had returned before the kill
            assert value >= first, (trial, steps, value)
        on_disk = value


# -- Keras 3 interoperability ----------------------------------------------------------------------------------


def _needs_plugin(module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed")


_FIXTURE_PLUGINS = {"dense": ["kcore_layers_core"], "conv2d": ["kcore_layers_conv"],
                    "lstm": ["kcore_layers_recurrent"], "gru": ["kcore_layers_recurrent"],
                    "masked_rnn": ["kcore_layers_recurrent"], "conv_zoo": ["kcore_layers_conv"],
                    "conv1d": ["kcore_layers_conv"], "blocks": ["kcore_layers_core"],
                    "ops_graph": ["kcore_layers_core"]}


@pytest.mark.parametrize("name", sorted(_FIXTURE_PLUGINS))
def test_a_file_written_by_keras_3_loads_predicts_and_trains_on_as_in_keras(name):
    for module in [*_FIXTURE_PLUGINS[name], "kcore_optimizers"]:
        _needs_plugin(module)
    expected = np.load(FIXTURES / "expected.npz")
    model = load_model(FIXTURES / f"{name}.keras")
    x = expected[f"{name}_x"] if f"{name}_x" in expected else [expected[f"{name}_x_{i}"] for i in range(2)]
    y = expected[f"{name}_y"]
    np.testing.assert_allclose(model.predict(x, verbose=0), expected[f"{name}_predictions"], rtol=1e-5, atol=1e-6)
    assert int(model.optimizer.iterations.value) == 1  # Keras's Adam state came along ...
    model.train_on_batch(x, y)  # ... so the next step is the step Keras took
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, expected[f"{name}_after_step_{i}"], rtol=1e-5, atol=1e-6)


def _keras_python():
    """An interpreter with Keras 3: $KCORE_KERAS_PYTHON, or this one if Keras is importable here."""
    python = os.environ.get("KCORE_KERAS_PYTHON")
    if python:
        return python
    if importlib.util.find_spec("keras") is not None:
        return sys.executable
    pytest.skip("Keras 3 is not installed (set KCORE_KERAS_PYTHON to an interpreter that has it)")


_KERAS_LOADER = """
import sys, numpy as np, keras
folder = sys.argv[1]
for name in sys.argv[2:]:
    model = keras.saving.load_model(f"{folder}/{name}.keras")
    x = np.load(f"{folder}/{name}_x.npy")
    x = list(x) if name in ("branches", "ops_graph") else x
    np.save(f"{folder}/{name}_keras.npy", np.asarray(model.predict(x, verbose=0)))
    np.save(f"{folder}/{name}_iterations.npy", np.asarray(model.optimizer.iterations))
"""


def test_a_file_written_by_kcore_loads_in_keras_3_and_predicts_the_same(tmp_path):
    python = _keras_python()
    for module in ("kcore_layers_conv", "kcore_layers_recurrent"):
        _needs_plugin(module)
    inputs = layers.Input(shape=(5, 3))
    models = {
        "dense": kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(3, activation="relu"), layers.Dense(2)]),
        "conv2d": kcore.Sequential([layers.Input(shape=(6, 6, 2)), layers.Conv2D(3, 3, activation="relu"),
                                    layers.BatchNormalization(), layers.MaxPooling2D(), layers.Flatten(),
                                    layers.Dense(2)]),
        "lstm": kcore.Model(inputs, layers.Dense(2)(layers.LSTM(4)(inputs))),
        "branches": _branches(),
        "ops_graph": _ops_graph(),
    }
    shapes = {"dense": (3, 4), "conv2d": (3, 6, 6, 2), "lstm": (3, 5, 3), "branches": (2, 3, 4),
              "ops_graph": (2, 3, 4, 3)}
    for name, model in models.items():
        x = RNG.random(shapes[name], dtype="float32")
        model.compile(optimizer="adam", loss="mse")
        data = list(x) if name in ("branches", "ops_graph") else x
        model.fit(data, RNG.random((3, model.output_shape[-1]), dtype="float32"), epochs=2, verbose=0)
        model.save(tmp_path / f"{name}.keras")
        np.save(tmp_path / f"{name}_x.npy", x)
        np.save(tmp_path / f"{name}_kcore.npy", model.predict(data, verbose=0))
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "numpy")}
    result = subprocess.run([python, "-c", _KERAS_LOADER, str(tmp_path), *models], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for name in models:
        np.testing.assert_allclose(np.load(tmp_path / f"{name}_keras.npy"), np.load(tmp_path / f"{name}_kcore.npy"),
                                   rtol=1e-5, atol=1e-6)
        assert int(np.load(tmp_path / f"{name}_iterations.npy")) == 2  # Keras took kcore's optimizer state
