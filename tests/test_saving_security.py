"""Hostile files: loading refuses them before building anything, never imports, unpickles or runs what a file
names or holds, never reads outside the file, and reports truncated or corrupt files as kcore errors."""

import base64
import contextlib
import io
import json
import marshal
import os
import pickle
import sys
import zipfile

import h5py
import numpy as np
import pytest

import kcore
from kcore import layers, ops
from kcore.errors import KcoreError, MissingPluginError
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


_WATCH = {"on": False, "events": [], "paths": ()}
_CODE = {"exec", "marshal.loads", "pickle.find_class", "os.system", "subprocess.Popen", "os.posix_spawn", "os.exec",
         "os.fork", "socket.connect", "urllib.Request"}


def _audit(event, args):
    if not _WATCH["on"]:
        return
    if event in ("exec", "marshal.loads") and sys._getframe(1).f_code.co_filename.startswith("<frozen importlib"):
        return  # a module of an installed package being imported (lazily, as plugins are), not code from a file
    if event in _CODE:
        _WATCH["events"].append((event, repr(args)[:200]))
    elif event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)) and \
            os.fsdecode(args[0]) in _WATCH["paths"]:
        _WATCH["events"].append(("open", os.fsdecode(args[0])))


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one is idle outside _nothing_runs


@contextlib.contextmanager
def _nothing_runs(*paths):
    """Fail if, inside the block, code from a file runs (exec, unmarshalled bytecode, unpickling, a process, a
    network connection) or one of `paths` is opened."""
    _WATCH.update(on=True, events=[], paths={str(p) for p in paths})
    try:
        yield
    finally:
        _WATCH["on"] = False
    assert not _WATCH["events"], f"loading ran code or opened a file it must not: {_WATCH['events']}"


def _assert_safe_mode_is_still_on(tmp_path):
    """After a hostile load, safe mode is as it was: a Lambda naming a Python function is still refused."""
    from kcore.saving import serialization

    assert serialization._SAFE_MODE.get() is True
    model = kcore.Sequential([layers.Input(shape=(3,)), layers.Lambda(double)])
    model.save(tmp_path / "named_function.keras")
    with pytest.raises(UnsafeFileError, match="safe_mode=False"):
        load_model(tmp_path / "named_function.keras")


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
def test_cve_2024_3660_a_lambda_carrying_bytecode_is_refused_in_every_mode_and_never_runs(tmp_path, saved, form,
                                                                                          safe_mode):
    """CVE-2024-3660: a Lambda layer (or a function anywhere in the config) holding marshalled Python bytecode."""
    marker = tmp_path / "ran.txt"
    code = _bytecode(marker)
    keras3 = {"class_name": "__lambda__", "config": {"code": code, "defaults": None, "closure": None}}
    layer = {"keras3": _lambda_layer(keras3),
             "keras2": _lambda_layer([code, None, None], function_type="lambda", module="__main__"),
             "activation": {**_lambda_layer(None), "class_name": "Activation",
                            "config": {"name": "act", "activation": keras3}}}[form]
    path = _write(tmp_path / "code.keras", _with_config(saved, lambda c: c["config"]["layers"].insert(2, layer)))
    with _nothing_runs(), pytest.raises(UnsafeFileError, match=r"bytecode.*not even with safe_mode=False"):
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


@pytest.mark.parametrize("where", ["module", "class_name", "registered_name", "activation", "lambda-function",
                                   "optimizer", "loss"])
def test_cve_2025_1550_modules_and_functions_a_config_names_are_never_imported(tmp_path, saved, monkeypatch, where):
    """CVE-2025-1550: a config naming an arbitrary module and a class or function in it, to be imported and
    called while the model is rebuilt. The module here is importable and would leave a marker if imported."""
    marker = tmp_path / "imported.txt"
    (tmp_path / f"{SENTINEL}.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n"
                                             f"class Evil: pass\ndef evil(*a, **k): pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    evil = {"module": SENTINEL, "class_name": "Evil", "config": {}, "registered_name": None}
    function = {**evil, "class_name": "function", "config": "evil"}

    def edit(config):
        layer = config["config"]["layers"][1]
        if where == "module":
            layer.update(module=SENTINEL, class_name="Evil")
        elif where == "class_name":
            layer["class_name"] = f"{SENTINEL}.Evil"
        elif where == "registered_name":
            layer["registered_name"] = f"{SENTINEL}>Evil"
        elif where == "activation":
            layer["config"]["activation"] = function
        elif where == "lambda-function":
            config["config"]["layers"].insert(2, _lambda_layer(function))
        else:
            config["compile_config"][where] = evil

    path = _write(tmp_path / "names.keras", _with_config(saved, edit))
    with _nothing_runs(), pytest.raises(KcoreError, match=r"(?i)evil"):
        load_model(path)
    assert SENTINEL not in sys.modules and not marker.exists()


@pytest.mark.parametrize("where", ["layer", "lambda-function", "activation"])
def test_cve_2025_1550_os_system_named_in_a_config_is_never_called(tmp_path, saved, where):
    marker = tmp_path / "hacked.txt"
    system = {"module": "os", "class_name": "function", "config": "system", "registered_name": None}

    def edit(config):
        layer = config["config"]["layers"][1]
        if where == "layer":
            layer.update(module="os", class_name="system", config={"command": f"touch {marker}"})
        elif where == "activation":
            layer["config"]["activation"] = system
        else:
            config["config"]["layers"].insert(2, {**_lambda_layer(system), "config": {
                **_lambda_layer(system)["config"], "arguments": {"command": f"touch {marker}"}}})

    with _nothing_runs(), pytest.raises(KcoreError, match="'system'"):
        load_model(_write(tmp_path / "os.keras", _with_config(saved, edit)))
    assert not marker.exists()


#: Functions that a config could reach if it could name any function of Keras's own modules, and that would turn
#: safety off: switch safe mode off for the rest of the process, load another file with safe_mode=False, or
#: download a file to any path (CVE-2025-8747, the same pattern through keras.utils.get_file).
GADGETS = {
    "CVE-2025-9906-enable_unsafe_deserialization": ("keras.config", "enable_unsafe_deserialization", {}),
    "CVE-2025-9906-nested-load_model": ("keras.saving", "load_model", {"safe_mode": False}),
    "CVE-2025-9906-nested-load_model-keras.models": ("keras.models", "load_model", {"safe_mode": False}),
    "CVE-2025-8747-get_file": ("keras.utils", "get_file", {"origin": "http://127.0.0.1:9/evil.keras",
                                                           "cache_dir": "/tmp", "extract": True}),
}


@pytest.mark.parametrize("where", ["lambda-function", "activation", "loss", "metric"])
@pytest.mark.parametrize("gadget", sorted(GADGETS))
def test_cve_2025_9906_a_config_cannot_reach_a_function_that_turns_safety_off(tmp_path, saved, gadget, where):
    """CVE-2025-9906: the config reaches a function that Keras allows, which itself turns safety off, and a
    Lambda with bytecode after it would then run. Here the nested file such a function would open holds a
    Lambda whose bytecode leaves a marker; the file must never even be opened, and safe mode is still on after."""
    module, name, arguments = GADGETS[gadget]
    marker = tmp_path / "ran.txt"
    nested = _write(tmp_path / "nested.keras", _with_config(saved, lambda c: c["config"]["layers"].insert(
        2, _lambda_layer({"class_name": "__lambda__", "config": {"code": _bytecode(marker)}}))))
    function = {"module": module, "class_name": "function", "config": name, "registered_name": None}
    if "filepath" not in arguments and name == "load_model":
        arguments = {"filepath": str(nested), **arguments}

    def edit(config):
        if where == "lambda-function":
            layer = _lambda_layer(function)
            layer["config"]["arguments"] = arguments
            config["config"]["layers"].insert(2, layer)
        elif where == "activation":
            config["config"]["layers"][1]["config"]["activation"] = function
        elif where == "loss":
            config["compile_config"]["loss"] = function
        else:
            config["compile_config"]["metrics"] = [function]

    path = _write(tmp_path / "gadget.keras", _with_config(saved, edit))
    with _nothing_runs(nested), pytest.raises(KcoreError, match=name):
        load_model(path)
    assert not marker.exists()
    _assert_safe_mode_is_still_on(tmp_path)


def _legacy_h5(path, marker):
    """A Keras 2 whole-model HDF5 file as Keras 2 wrote it: the architecture as JSON in the root attribute
    `model_config` (here with a Lambda layer holding marshalled bytecode), weights under `model_weights`."""
    import h5py

    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "in"}},
        {"class_name": "Lambda", "config": {"name": "lambda", "trainable": True, "dtype": "float32",
                                            "function": [_bytecode(marker), None, None], "function_type": "lambda",
                                            "module": "__main__", "output_shape": None, "arguments": {}}},
        {"class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "linear"}}]}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["training_config"] = json.dumps({"loss": "mse", "optimizer_config": {"class_name": "Adam",
                                                                                      "config": {}}})
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [b"in", b"lambda", b"dense"]
        dense = weights.create_group("dense/dense")
        dense.create_dataset("kernel:0", data=np.ones((4, 2), "float32"))
        dense.create_dataset("bias:0", data=np.zeros(2, "float32"))
    return path


@pytest.mark.parametrize(("name", "how", "error"), [
    ("model.h5", "load_model", UnsafeFileError),
    ("model.hdf5", "load_model", UnsafeFileError),
    ("model.h5", "load_model(safe_mode=False)", UnsafeFileError),
    ("model.keras", "load_model", CorruptFileError),  # the same bytes under an archive's name
    ("model.weights.h5", "load_weights", KcoreError),  # ... or under a weights file's name
])
def test_cve_2025_9905_a_legacy_hdf5_model_carrying_bytecode_is_refused_and_never_runs(tmp_path, monkeypatch, name,
                                                                                      how, error):
    """CVE-2025-9905: a Keras 2 `.h5` whole-model file whose model_config holds a Lambda with bytecode, which
    Keras's legacy loader ran even in safe mode. kcore reads that format, but refuses bytecode in any mode
    before anything is built, and reading the file as another kind of file never touches model_config."""
    marker = tmp_path / "ran.txt"
    path = _legacy_h5(tmp_path / name, marker)
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(2, name="dense")])
    before = model.get_weights()
    with _nothing_runs(), pytest.raises(error) as caught:
        if how == "load_weights":
            model.load_weights(path)
        else:
            load_model(path, safe_mode=how == "load_model")
    assert isinstance(caught.value, KcoreError)
    if name.endswith((".h5", ".hdf5")) and how != "load_weights":
        assert "Lambda layer 'lambda' holds marshalled Python bytecode" in str(caught.value)
    assert not marker.exists()
    for got, want in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, want)


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
def test_zip_slip_member_names_that_escape_the_archive_are_refused_and_nothing_is_written(tmp_path, saved, name):
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


def test_a_zip_bomb_is_refused_from_its_declared_sizes(tmp_path, saved):
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


def test_a_zip_bomb_member_that_holds_more_than_it_declares_is_corrupt(tmp_path, saved):
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


def _local_file(tmp_path):
    """A local HDF5 file holding a dataset `data` that fits the bias of layer `dense` (3 float32 values): a file
    that following a link would succeed in reading, and whose values would then replace the real bias."""
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("data", data=np.full(3, 42.0, "float32"))
    return str(path)


def _external_link(f, tmp_path):
    del f["layers/dense/vars/1"]
    f["layers/dense/vars/1"] = h5py.ExternalLink(_local_file(tmp_path), "/data")


def _virtual(f, tmp_path):
    layout = h5py.VirtualLayout(shape=(3,), dtype="float32")
    layout[:] = h5py.VirtualSource(_local_file(tmp_path), "data", shape=(3,))
    del f["layers/dense/vars/1"]
    f["layers/dense/vars"].create_virtual_dataset("1", layout)


HOSTILE_WEIGHTS = {
    "hdf5-external-link-to-a-local-file": (_external_link, "external link"),
    "hdf5-soft-link": (lambda f, tmp: f.__setitem__("layers/dense_1/vars/2", h5py.SoftLink("/layers/dense/vars/0")),
                       "soft or user-defined link"),
    "hdf5-virtual-dataset-of-a-local-file": (_virtual, "virtual dataset"),
    "hdf5-external-raw-storage-in-a-local-file": (_external_storage, "external raw file"),
    "hdf5-strings": (lambda f, tmp: f["layers/dense/vars"].create_dataset("2", data=["a", "b"]), "not numbers"),
    "hdf5-object-references": (lambda f, tmp: f["layers/dense/vars"].create_dataset(
        "2", data=[f["layers"].ref], dtype=h5py.ref_dtype), "not numbers"),
    "hdf5-chunked-bomb": (lambda f, tmp: f["layers/dense/vars"].create_dataset(
        "2", shape=(1 << 16, 1 << 14), dtype="float32", chunks=(1024, 1024), compression="gzip"), "declare"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_WEIGHTS))
def test_hostile_hdf5_weights_are_refused_before_any_dataset_is_read(tmp_path, saved, kind):
    """External links and virtual datasets point at a real local HDF5 file that would load; they are refused
    all the same, in a .keras archive and in a .weights.h5 file, and the model keeps its weights."""
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
    monkeypatch.setitem(catalogue.FIRST_PARTY, "kcore-optimizers-fancy", {"optimizer": "FancyOptimizer"})
    fancy = _with_config(saved, lambda c: c["config"]["layers"][1].update(class_name="FancyDense"))
    with pytest.raises(MissingPluginError, match="pip install kcore-layers-fancy"):
        load_model(_write(tmp_path / "fancy.keras", fancy))
    lion = _with_config(saved, lambda c: c["compile_config"]["optimizer"].update(class_name="FancyOptimizer"))
    with pytest.raises(MissingPluginError, match=r"pip install kcore-optimizers-fancy.*compile=False"):
        load_model(_write(tmp_path / "lion.keras", lion))
    assert not load_model(tmp_path / "lion.keras", compile=False).compiled
