"""Hostile files: loading refuses them before building anything, never imports, unpickles or runs what a file
names or holds, never reads outside the file, and reports truncated or corrupt files as kcore errors."""

import base64
import io
import json
import marshal
import pickle
import sys
import zipfile

import h5py
import numpy as np
import pytest

import kcore
from kcore import layers, ops
from kcore.errors import ConfigError, KcoreError, MissingPluginError
from kcore.saving import CorruptFileError, UnsafeFileError, archive, load_model


@pytest.fixture
def saved(tmp_path):
    """A valid, compiled and trained two-layer model saved as tmp_path/model.keras; returns its members."""
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(3, activation="relu", name="hidden"),
                              layers.Dense(2, name="out")])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 4), "float32"), np.ones((4, 2), "float32"), epochs=1, verbose=0)
    model.save(tmp_path / "model.keras")
    with zipfile.ZipFile(tmp_path / "model.keras") as f:
        return {name: f.read(name) for name in f.namelist()}


def _write(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as f:
        for name, data in members.items():
            f.writestr(name, data)
    return path


def _with_config(members, edit):
    config = json.loads(members["config.json"])
    edit(config)
    return {**members, "config.json": json.dumps(config).encode()}


def _with_weights(members, edit):
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "r+") as f:
        edit(f)
    return {**members, "model.weights.h5": buffer.getvalue()}


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# -- code ---------------------------------------------------------------------------------------------------------

_PAYLOAD = "open({marker!r}, 'w').write('code from the file ran')"


def _bytecode(marker):
    return base64.b64encode(marshal.dumps(compile(_PAYLOAD.format(marker=str(marker)), "<file>", "exec"))).decode()


def _lambda_layer(function, **extra):
    return {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
            "config": {"name": "lambda", "trainable": True, "dtype": "float32", "function": function,
                       "output_shape": None, "arguments": {}, **extra}}


@pytest.mark.parametrize("safe_mode", [True, False])
@pytest.mark.parametrize("form", ["keras3", "keras2", "activation"])
def test_marshalled_bytecode_is_refused_in_every_mode_and_never_runs(tmp_path, saved, form, safe_mode):
    marker = tmp_path / "ran.txt"
    code = _bytecode(marker)
    keras3 = {"class_name": "__lambda__", "config": {"code": code, "defaults": None, "closure": None}}
    layer = {"keras3": _lambda_layer(keras3),
             "keras2": _lambda_layer([code, None, None], function_type="lambda", module="__main__"),
             "activation": {**_lambda_layer(None), "class_name": "Activation",
                            "config": {"name": "act", "activation": keras3}}}[form]
    path = _write(tmp_path / "code.keras", _with_config(saved, lambda c: c["config"]["layers"].insert(2, layer)))
    with pytest.raises(UnsafeFileError, match=r"bytecode.*not even with safe_mode=False"):
        load_model(path, safe_mode=safe_mode)
    assert not marker.exists()


def double(x):
    return x * 2.0


def test_a_lambda_that_names_a_python_function_needs_safe_mode_off_and_the_function(tmp_path):
    model = kcore.Sequential([layers.Input(shape=(3,)), layers.Lambda(ops.tanh), layers.Lambda(double)])
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(UnsafeFileError, match=r"'double'.*safe_mode=False"):
        load_model(tmp_path / "lambda.keras")
    with pytest.raises(KcoreError, match="custom_objects"):
        load_model(tmp_path / "lambda.keras", safe_mode=False)
    restored = load_model(tmp_path / "lambda.keras", safe_mode=False, custom_objects={"double": double})
    x = np.full((1, 3), 0.5, "float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), 2 * np.tanh(x), rtol=1e-6)
    only_ops = kcore.Sequential([layers.Input(shape=(3,)), layers.Lambda(ops.tanh)])
    only_ops.save(tmp_path / "tanh.keras")  # a registered op is saved by name: no code, so safe mode loads it
    np.testing.assert_allclose(load_model(tmp_path / "tanh.keras").predict(x, verbose=0), np.tanh(x), rtol=1e-6)


SENTINEL = "kcore_saving_sentinel_module"


@pytest.mark.parametrize("where", ["module", "class_name", "registered_name", "activation", "optimizer", "loss"])
def test_modules_and_classes_a_file_names_are_never_imported(tmp_path, saved, monkeypatch, where):
    marker = tmp_path / "imported.txt"
    (tmp_path / f"{SENTINEL}.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\nclass Evil: pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    evil = {"module": SENTINEL, "class_name": "Evil", "config": {}, "registered_name": None}

    def edit(config):
        layer = config["config"]["layers"][1]
        if where == "module":
            layer.update(module=SENTINEL, class_name="Evil")
        elif where == "class_name":
            layer["class_name"] = f"{SENTINEL}.Evil"
        elif where == "registered_name":
            layer["registered_name"] = f"{SENTINEL}>Evil"
        elif where == "activation":
            layer["config"]["activation"] = {**evil, "class_name": "function", "config": "Evil"}
        else:
            config["compile_config"][where] = evil

    path = _write(tmp_path / "names.keras", _with_config(saved, edit))
    with pytest.raises(ConfigError, match="Evil"):
        load_model(path)
    assert SENTINEL not in sys.modules and not marker.exists()


def test_os_system_named_in_a_file_is_an_unknown_class(tmp_path, saved):
    def edit(config):
        config["config"]["layers"][1].update(module="os", class_name="system", config={"command": "echo hacked"})

    with pytest.raises(ConfigError, match="'system'"):
        load_model(_write(tmp_path / "os.keras", _with_config(saved, edit)))


def test_loading_never_unpickles_or_unmarshals(tmp_path, saved, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("loading unpickled or unmarshalled something")

    for module, name in [(pickle, "loads"), (pickle, "load"), (pickle, "Unpickler"), (marshal, "loads"),
                         (marshal, "load")]:
        monkeypatch.setattr(module, name, refuse)
    model = load_model(tmp_path / "model.keras")
    model.load_weights(tmp_path / "model.keras")
    assert model.count_params() == 4 * 3 + 3 + 3 * 2 + 2


# -- the archive --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../escaped.txt", "/tmp/absolute.txt", "assets/../../escaped.txt",
                                  "assets\\..\\escaped.txt", "C:/escaped.txt"])
def test_member_names_that_escape_the_archive_are_refused_and_nothing_is_written(tmp_path, saved, name):
    target = tmp_path / "inside"
    target.mkdir()
    path = _write(target / "slip.keras", {**saved, name: b"escaped"})
    before = _files(tmp_path)
    with pytest.raises(UnsafeFileError, match="member"):
        load_model(path)
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(3), layers.Dense(2)])
    with pytest.raises(UnsafeFileError):
        model.load_weights(path)
    assert _files(tmp_path) == before


def test_a_symbolic_link_member_and_a_duplicated_member_are_refused(tmp_path, saved):
    link = zipfile.ZipInfo("assets/link")
    link.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(tmp_path / "link.keras", "w") as f:
        for name, data in saved.items():
            f.writestr(name, data)
        f.writestr(link, "/etc/passwd")
    with pytest.raises(UnsafeFileError, match="symbolic link"):
        load_model(tmp_path / "link.keras")
    _write(tmp_path / "twice.keras", saved)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(tmp_path / "twice.keras", "a") as f:
        f.writestr("config.json", b'{"class_name": "Sequential", "config": {}}')
    with pytest.raises(UnsafeFileError, match="appears twice"):
        load_model(tmp_path / "twice.keras")


def test_a_decompression_bomb_is_refused_from_its_declared_sizes(tmp_path, saved):
    bomb = {**saved, "model.weights.h5": bytes(16 << 20)}  # 16 MiB of zeros deflate to about 16 KiB
    path = _write(tmp_path / "bomb.keras", bomb, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 200_000
    with pytest.raises(UnsafeFileError, match="decompression bomb"):
        load_model(path)


def test_archives_over_the_size_limits_are_refused_before_reading(tmp_path, saved, monkeypatch):
    monkeypatch.setattr(archive, "LIMITS", archive.Limits(max_total_bytes=len(saved["model.weights.h5"])))
    with pytest.raises(UnsafeFileError, match=r"declares .* bytes uncompressed, over the limit"):
        load_model(tmp_path / "model.keras")
    monkeypatch.setattr(archive, "LIMITS", archive.Limits(max_json_bytes=100))
    with pytest.raises(UnsafeFileError, match=r"config.json"):
        load_model(tmp_path / "model.keras")


def test_a_member_that_holds_more_than_it_declares_is_corrupt(tmp_path, saved):
    data = bytearray(_write(tmp_path / "lie.keras", saved).read_bytes())
    size = len(saved["config.json"]).to_bytes(4, "little")
    smaller = (len(saved["config.json"]) - 10).to_bytes(4, "little")
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(b"config.json"))  # its entry in the table of contents
    assert data[central + 24:central + 28] == size
    data[central + 24:central + 28] = smaller  # the uncompressed size the table of contents declares
    (tmp_path / "lie.keras").write_bytes(bytes(data))
    with pytest.raises(CorruptFileError, match=r"config.json"):
        load_model(tmp_path / "lie.keras")


# -- the weights file ---------------------------------------------------------------------------------------------


def _external_storage(f, tmp_path):
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.arange(12, dtype="float32").tobytes())
    del f["layers/dense/vars/0"]
    f["layers/dense/vars"].create_dataset("0", shape=(4, 3), dtype="float32", external=[(str(secret), 0, 48)])


def _virtual(f, tmp_path):
    layout = h5py.VirtualLayout(shape=(3,), dtype="float32")
    layout[:] = h5py.VirtualSource(str(tmp_path / "other.h5"), "data", shape=(3,))
    del f["layers/dense/vars/1"]
    f["layers/dense/vars"].create_virtual_dataset("1", layout)


HOSTILE_WEIGHTS = {
    "external link": (lambda f, tmp: f.__setitem__("layers/dense/vars/2", h5py.ExternalLink(
        str(tmp / "other.h5"), "/data")), "external link"),
    "soft link": (lambda f, tmp: f.__setitem__("layers/dense_1/vars/2", h5py.SoftLink("/layers/dense/vars/0")),
                  "soft or user-defined link"),
    "virtual dataset": (_virtual, "virtual dataset"),
    "external raw storage": (_external_storage, "external raw file"),
    "strings": (lambda f, tmp: f["layers/dense/vars"].create_dataset("2", data=["a", "b"]), "not numbers"),
    "object references": (lambda f, tmp: f["layers/dense/vars"].create_dataset(
        "2", data=[f["layers"].ref], dtype=h5py.ref_dtype), "not numbers"),
    "chunked bomb": (lambda f, tmp: f["layers/dense/vars"].create_dataset(
        "2", shape=(1 << 16, 1 << 14), dtype="float32", chunks=(1024, 1024), compression="gzip"), "declare"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_WEIGHTS))
def test_hostile_hdf5_weights_are_refused_before_any_dataset_is_read(tmp_path, saved, kind):
    edit, message = HOSTILE_WEIGHTS[kind]
    members = _with_weights(saved, lambda f: edit(f, tmp_path))
    with pytest.raises(UnsafeFileError, match=message):
        load_model(_write(tmp_path / "hostile.keras", members))
    (tmp_path / "hostile.weights.h5").write_bytes(members["model.weights.h5"])
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(3), layers.Dense(2)])
    before = model.get_weights()
    with pytest.raises(UnsafeFileError, match=message):
        model.load_weights(tmp_path / "hostile.weights.h5")
    for got, want in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, want)


# -- truncated and corrupt files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_a_truncated_archive_is_a_corrupt_file_error(tmp_path, keep):
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(3)])
    model.save(tmp_path / "model.keras")
    data = (tmp_path / "model.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[:int(len(data) * keep)])
    with pytest.raises(CorruptFileError, match="truncated") as error:
        load_model(tmp_path / "cut.keras")
    assert isinstance(error.value, ValueError) and isinstance(error.value, KcoreError)


def test_a_damaged_byte_in_the_weights_is_caught_by_the_checksum(tmp_path, saved):
    data = bytearray(_write(tmp_path / "flip.keras", saved).read_bytes())
    position = data.index(b"model.weights.h5") + len(b"model.weights.h5") + 2000
    data[position] ^= 0xFF
    (tmp_path / "flip.keras").write_bytes(bytes(data))
    with pytest.raises(CorruptFileError, match=r"model.weights.h5"):
        load_model(tmp_path / "flip.keras")


@pytest.mark.parametrize("config", [b"{not json", b"[1, 2]", b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe"])
def test_a_config_that_is_not_a_model_config_is_a_corrupt_file_error(tmp_path, saved, config):
    with pytest.raises(CorruptFileError, match=r"config.json"):
        load_model(_write(tmp_path / "config.keras", {**saved, "config.json": config}))


def test_an_archive_without_weights_and_a_truncated_weights_file_are_corrupt_file_errors(tmp_path, saved):
    with pytest.raises(CorruptFileError, match=r"no 'model.weights.h5'"):
        load_model(_write(tmp_path / "empty.keras", {k: v for k, v in saved.items() if k != "model.weights.h5"}))
    weights = saved["model.weights.h5"]
    (tmp_path / "cut.weights.h5").write_bytes(weights[:len(weights) // 2])
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(3), layers.Dense(2)])
    with pytest.raises(CorruptFileError, match="truncated"):
        model.load_weights(tmp_path / "cut.weights.h5")


# -- plugins that are not installed -------------------------------------------------------------------------------


def test_a_file_that_needs_a_missing_plugin_names_the_distribution_to_install(tmp_path, saved, monkeypatch):
    from kcore.plugins import catalogue

    monkeypatch.setitem(catalogue.FIRST_PARTY, "kcore-layers-fancy", {"layer": "FancyDense"})
    monkeypatch.setitem(catalogue.FIRST_PARTY, "kcore-optimizers-fancy", {"optimizer": "Lion"})
    fancy = _with_config(saved, lambda c: c["config"]["layers"][1].update(class_name="FancyDense"))
    with pytest.raises(MissingPluginError, match="pip install kcore-layers-fancy"):
        load_model(_write(tmp_path / "fancy.keras", fancy))
    lion = _with_config(saved, lambda c: c["compile_config"]["optimizer"].update(class_name="Lion"))
    with pytest.raises(MissingPluginError, match=r"pip install kcore-optimizers-fancy.*compile=False"):
        load_model(_write(tmp_path / "lion.keras", lion))
    assert not load_model(tmp_path / "lion.keras", compile=False).compiled
