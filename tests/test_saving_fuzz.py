"""Fuzzing the loaders: `.keras` archives and `.weights.h5` files that are damaged, truncated, stitched from
other bytes, or that carry random, deeply nested or giant configs.

Every case must either load or end in a kcore error (a KcoreError subclass), within a time bound (a SIGALRM
guard) and a memory bound (tracemalloc's peak, and no MemoryError anywhere in the error's chain), without
running code or opening any file for writing (an audit hook watches for both). The known attacks are in
test_saving_security.py, by name; these properties look for the cases no one thought of.

Budget: EXAMPLES examples per property (25; 1,000 with KCORE_HYPOTHESIS_PROFILE=thorough, see SECURITY.md).
"""

import contextlib
import io
import json
import os
import signal
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kcore
from kcore import layers
from kcore.errors import KcoreError

EXAMPLES = 1000 if os.environ.get("KCORE_HYPOTHESIS_PROFILE") == "thorough" else 25
SECONDS = 10  # per example
PEAK_BYTES = 256 << 20  # what one load may allocate at its peak (the valid file needs about 1 MiB)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # "holds variables ... not asked for" and the like
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)

# -- what a loader must never do ---------------------------------------------------------------------------------

_WATCH = {"active": False, "events": []}
_CODE_EVENTS = {"exec", "marshal.loads", "pickle.find_class", "os.system", "subprocess.Popen", "os.posix_spawn",
                "os.exec", "os.fork", "ctypes.dlopen", "ctypes.dlsym", "os.remove", "os.rename", "os.mkdir",
                "shutil.rmtree", "os.symlink", "os.link", "os.truncate"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _audit(event, args):
    if not _WATCH["active"]:
        return
    if event in _CODE_EVENTS:
        _WATCH["events"].append((event, repr(args)[:200]))
    elif event == "open":
        path, mode, flags = (*args, None, None)[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS)
        if writing:
            _WATCH["events"].append(("open for writing", repr(path)))


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one is idle outside _guarded


class _TooSlow(BaseException):
    """Raised by the alarm: a BaseException, so that no `except Exception` in the loader can swallow it."""


@contextlib.contextmanager
def _guarded():
    """Run a load under the time, memory, code and file watches; fail the example on any breach."""
    def expire(signum, frame):
        raise _TooSlow(f"a load ran past {SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    tracemalloc.start()
    _WATCH["events"].clear()
    _WATCH["active"] = True
    try:
        yield
    finally:
        _WATCH["active"] = False
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not _WATCH["events"], f"the loader ran code or wrote a file: {_WATCH['events']}"
    assert peak < PEAK_BYTES, f"the load allocated {peak} bytes at its peak"


def _outcome(load):
    """Run `load` guarded; it may succeed, or raise a KcoreError without a MemoryError in its chain."""
    with _guarded():
        try:
            load()
            return None
        except KcoreError as e:
            error = e
        except Exception as e:  # the property: nothing else escapes
            pytest.fail(f"a {type(e).__name__} escaped the loader instead of a kcore error: {e!r:.500}")
    cause = error
    while cause is not None:
        assert not isinstance(cause, MemoryError), f"the loader ran out of memory: {error!r:.300}"
        cause = cause.__cause__ or cause.__context__
    return error


# -- a valid file, and the folder the cases are written to -------------------------------------------------------


def _model():
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(3, activation="relu", name="hidden"),
                              layers.Dense(2, name="out")])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    """The folder, the bytes of a valid .keras archive and .weights.h5 file, its members, and a model to load
    weights into."""
    folder = tmp_path_factory.mktemp("fuzz")
    kcore.utils.set_random_seed(0)
    model = _model()
    model.fit(np.ones((4, 4), "float32"), np.ones((4, 2), "float32"), epochs=1, verbose=0)
    model.save(folder / "valid.keras")
    model.save_weights(folder / "valid.weights.h5")
    kcore.plugins.manager().load_all()  # every plugin imported before the watches start
    kcore.saving.load_model(folder / "valid.keras")
    target = _model()
    target.fit(np.ones((4, 4), "float32"), np.ones((4, 2), "float32"), epochs=1, verbose=0)
    target.load_weights(folder / "valid.weights.h5")
    with zipfile.ZipFile(folder / "valid.keras") as f:
        members = {name: f.read(name) for name in f.namelist()}
    return {"folder": folder, "keras": (folder / "valid.keras").read_bytes(),
            "weights": (folder / "valid.weights.h5").read_bytes(), "members": members, "target": target}


def _files(folder):
    return sorted((p.name, p.stat().st_size) for p in folder.iterdir() if not p.name.startswith("case."))


def _load_model_from(valid, data):
    path = valid["folder"] / "case.keras"
    path.write_bytes(data)
    before = _files(valid["folder"])
    _outcome(lambda: kcore.saving.load_model(path))
    assert _files(valid["folder"]) == before


def _load_weights_from(valid, data, suffix):
    path = valid["folder"] / f"case{suffix}"
    path.write_bytes(data)
    target = valid["target"]
    state = [v.numpy().copy() for v in target.weights + target.optimizer.variables]
    error = _outcome(lambda: target.load_weights(path))
    if error is not None:  # a failed load leaves every weight and optimizer slot as it was
        for variable, value in zip(target.weights + target.optimizer.variables, state, strict=True):
            np.testing.assert_array_equal(variable.numpy(), value)
    else:
        target.load_weights(valid["folder"] / "valid.weights.h5")


def _archive(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as f:
        for name, data in members.items():
            f.writestr(name, data)
    return buffer.getvalue()


def _flip(data, flips):
    data = bytearray(data)
    for position, mask in flips:
        data[position % len(data)] ^= mask
    return bytes(data)


FLIPS = st.lists(st.tuples(st.integers(0, 1 << 30), st.integers(1, 255)), min_size=1, max_size=8)

# -- damaged archives and weights files --------------------------------------------------------------------------


@FUZZ
@given(flips=FLIPS)
def test_a_keras_archive_with_flipped_bytes_loads_or_raises_a_kcore_error(valid, flips):
    _load_model_from(valid, _flip(valid["keras"], flips))


@FUZZ
@given(fraction=st.floats(0, 1, exclude_max=True), into=st.sampled_from(["load_model", "load_weights"]))
def test_a_truncated_keras_archive_raises_a_kcore_error(valid, fraction, into):
    data = valid["keras"][:int(len(valid["keras"]) * fraction)]
    if into == "load_model":
        _load_model_from(valid, data)
    else:
        _load_weights_from(valid, data, ".keras")


@FUZZ
@given(flips=FLIPS, cut=st.one_of(st.none(), st.floats(0, 1, exclude_max=True)))
def test_a_weights_file_flipped_or_truncated_loads_or_raises_a_kcore_error_and_changes_nothing(valid, flips, cut):
    data = _flip(valid["weights"], flips)
    _load_weights_from(valid, data if cut is None else data[:int(len(data) * cut)], ".weights.h5")


MEMBERS = ["metadata.json", "config.json", "model.weights.h5"]


@FUZZ
@given(replaced=st.dictionaries(st.sampled_from([*MEMBERS, "extra.bin", "config.json/"]),
                                st.one_of(st.binary(max_size=512), st.sampled_from([b"", b"{}", b"[]", b"null"]),
                                          st.sampled_from(MEMBERS)),  # a name: the bytes of that member (a swap)
                                min_size=1),
       dropped=st.sets(st.sampled_from(MEMBERS), max_size=2))
def test_an_archive_with_members_replaced_swapped_or_missing_loads_or_raises_a_kcore_error(valid, replaced, dropped):
    original = valid["members"]
    members = {**original, **{k: original[v] if isinstance(v, str) else v for k, v in replaced.items()}}
    _load_model_from(valid, _archive({k: v for k, v in members.items() if k not in dropped}))


# -- random configs -------------------------------------------------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=12), st.sampled_from(["relu", "same", "valid", "float32", "glorot_uniform",
                                                           "keras.layers", "Dense", "__lambda__", "os.system"]))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                    max_leaves=40)
LAYER_NAMES = ["Dense", "Conv2D", "Conv1D", "LSTM", "GRU", "SimpleRNN", "Embedding", "BatchNormalization",
               "LayerNormalization", "Dropout", "Flatten", "Reshape", "Add", "Concatenate", "InputLayer", "Lambda",
               "Sequential", "Functional", "MaxPooling2D", "Normalization", "Activation", "__lambda__", "Bidirectional",
               "TimeDistributed", "os.system", "NoSuchLayer"]
KEYS = ["name", "units", "filters", "kernel_size", "strides", "padding", "activation", "input_dim", "output_dim",
        "target_shape", "batch_shape", "shape", "axis", "rate", "layers", "layer", "function", "dtype", "config",
        "class_name", "module", "registered_name", "use_bias", "kernel_initializer", "return_sequences",
        "input_layers", "output_layers", "inbound_nodes", "mean", "variance"]
LAYER = st.fixed_dictionaries(
    {"module": st.sampled_from(["keras.layers", "keras", "builtins", "os"]), "class_name": st.sampled_from(LAYER_NAMES),
     "config": st.dictionaries(st.sampled_from(KEYS), JSON, max_size=6)},
    optional={"registered_name": st.one_of(st.none(), st.text(max_size=10)), "build_config": JSON})
MODEL = st.fixed_dictionaries(
    {"module": st.just("keras"), "class_name": st.sampled_from(["Sequential", "Functional", "Model", "Dense"]),
     "config": st.fixed_dictionaries({"name": st.text(max_size=8), "layers": st.lists(LAYER, max_size=4)},
                                     optional={"input_layers": JSON, "output_layers": JSON})},
    optional={"build_config": JSON, "compile_config": JSON, "registered_name": st.none()})


def _with_config(valid, config_text):
    return _archive({**valid["members"], "config.json": config_text.encode("utf-8", "surrogatepass")})


@FUZZ
@given(config=st.one_of(JSON, MODEL))
def test_a_random_json_config_loads_or_raises_a_kcore_error(valid, config):
    _load_model_from(valid, _with_config(valid, json.dumps(config)))


def _deep(kind, depth):
    if kind == "lists":
        return "[" * depth + "]" * depth
    if kind == "dicts":
        return '{"a":' * depth + "1" + "}" * depth
    layer = '{"class_name": "Sequential", "config": {"name": "s", "layers": [' * depth
    return layer + "]}}" * depth


@FUZZ
@given(kind=st.sampled_from(["lists", "dicts", "models"]), depth=st.integers(50, 200_000))
def test_a_deeply_nested_config_raises_a_kcore_error_without_overflowing_the_stack(valid, kind, depth):
    _load_model_from(valid, _with_config(valid, _deep(kind, depth)))


# -- giant layers ------------------------------------------------------------------------------------------------

def _giant(kind, n):
    shape = [None, 4]
    if kind == "dense":
        layer = {"class_name": "Dense", "config": {"name": "big", "units": n}}
    elif kind == "dense-input":
        shape, layer = [None, n], {"class_name": "Dense", "config": {"name": "big", "units": 2}}
    elif kind == "conv2d":
        shape, layer = [None, 8, 8, 1], {"class_name": "Conv2D", "config": {"name": "big", "filters": 2,
                                                                            "kernel_size": [n, n]}}
    elif kind == "conv2d-filters":
        shape, layer = [None, 8, 8, 1], {"class_name": "Conv2D", "config": {"name": "big", "filters": n,
                                                                            "kernel_size": 3}}
    elif kind == "embedding":
        layer = {"class_name": "Embedding", "config": {"name": "big", "input_dim": n, "output_dim": 8}}
    elif kind == "lstm":
        shape, layer = [None, 3, 4], {"class_name": "LSTM", "config": {"name": "big", "units": n}}
    else:
        layer = {"class_name": "BatchNormalization", "config": {"name": "big"}}
        shape = [None, n]
    layers_ = [{"module": "keras.layers", "class_name": "InputLayer", "config": {"name": "in", "batch_shape": shape}},
               {"module": "keras.layers", **layer}]
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "giant", "layers": layers_},
            "build_config": {"input_shape": shape}}


@FUZZ
@given(kind=st.sampled_from(["dense", "dense-input", "conv2d", "conv2d-filters", "embedding", "lstm", "batchnorm"]),
       n=st.one_of(st.integers(10**7, 10**15), st.just(10**12), st.just(2**63 - 1)))
def test_a_config_declaring_a_giant_layer_is_refused_before_it_is_allocated(valid, kind, n):
    path = valid["folder"] / "case.keras"
    path.write_bytes(_with_config(valid, json.dumps(_giant(kind, n))))
    error = _outcome(lambda: kcore.saving.load_model(path))
    assert error is not None, "a giant model loaded"
