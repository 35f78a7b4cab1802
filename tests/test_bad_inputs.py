"""The table of bad inputs: each row does one wrong thing to a fresh, small, trained model and names the kcore
error it must raise and what the message must say (the argument or layer, the value received, what was
expected, the fix). After each row the model's weights and its optimizer's state are exactly as before."""

import re

import numpy as np
import pytest

import kcore
from kcore import layers
from kcore.errors import (
    BackendError,
    ConfigError,
    DTypeError,
    KcoreError,
    MissingPluginError,
    NonFiniteDataError,
    OpIndexError,
    ShapeError,
    UnknownNameError,
)
from kcore.saving import CorruptFileError

RNG = np.random.default_rng(0)
X = RNG.random((8, 4), dtype="float32")
Y = np.array([0, 1, 2, 0, 1, 2, 0, 1])


def _classifier():
    return [layers.Input((4,)), layers.Dense(5, activation="relu"), layers.Dense(3, activation="softmax")], \
        "sparse_categorical_crossentropy", X, Y


def _conv():
    return [layers.Input((6, 6, 1)), layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(1)], "mse", \
        RNG.random((4, 6, 6, 1), dtype="float32"), np.zeros((4, 1), "float32")


def _lstm():
    return [layers.Input((5, 3)), layers.LSTM(2), layers.Dense(1)], "mse", \
        RNG.random((4, 5, 3), dtype="float32"), np.zeros((4, 1), "float32")


def _embedding():
    return [layers.Input((5,)), layers.Embedding(10, 2), layers.Flatten(), layers.Dense(1)], "mse", \
        RNG.integers(0, 10, (4, 5)), np.zeros((4, 1), "float32")


def _batchnorm():
    return [layers.Input((4,)), layers.BatchNormalization(), layers.Dense(1)], "mse", X, np.zeros((8, 1), "float32")


def _reshape():
    return [layers.Input((6,)), layers.Reshape((2, 3)), layers.Flatten(), layers.Dense(1)], "mse", \
        RNG.random((4, 6), dtype="float32"), np.zeros((4, 1), "float32")


def _merge():
    a, b = layers.Input((3,)), layers.Input((3,))
    return (a, b), layers.Dense(1)(layers.Concatenate()([layers.Add()([a, b]), b])), "mse"


MODELS = {"classifier": _classifier, "conv": _conv, "lstm": _lstm, "embedding": _embedding,
          "batchnorm": _batchnorm, "reshape": _reshape}


def _fresh(kind):
    """A compiled model trained for one step, so that its optimizer has state to compare."""
    kcore.utils.set_random_seed(1)
    if kind == "merge":
        inputs, output, loss = _merge()
        model = kcore.Model(inputs, output)
        x, y = [X[:, :3], X[:, 1:]], np.zeros((8, 1), "float32")
    else:
        stack, loss, x, y = MODELS[kind]()
        model = kcore.Sequential(stack)
    model.compile(optimizer="adam", loss=loss)
    model.fit(x, y, epochs=1, batch_size=len(y), verbose=0)
    return model


def _fit(x, y, **kwargs):
    return lambda m: m.fit(x, y, verbose=0, **kwargs)


def _predict(x):
    return lambda m: m.predict(x, verbose=0)


def _layer(index, x):
    return lambda m: m.layers[index](x)


def _nan_at(array, row, value=np.nan):
    array = array.copy()
    array[row] = value
    return array


def _file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def _weights_file_to_load_model(m, tmp_path):
    m.save_weights(tmp_path / "model.weights.h5")
    kcore.saving.load_model(tmp_path / "model.weights.h5")


def _keras_archive_into_other_model(m, tmp_path):
    other = kcore.Sequential([layers.Input((4,)), layers.Dense(7), layers.Dense(3)])
    other.save(tmp_path / "other.keras")
    m.load_weights(tmp_path / "other.keras")


def _activate_uninstalled_backend(m):
    """A first-party backend whose distribution is not installed (a made-up one: kcore-backend-cupy may be)."""
    from kcore.plugins import catalogue

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(catalogue.FIRST_PARTY, "kcore-backend-fancy", {"backend": "fancy"})
        kcore.backend.activate("fancy")


ONE_HOT_Y = np.eye(3, dtype="float32")[Y]
NEAR = "Did you mean"

# (id, model kind, action(model[, tmp_path]), error class, regex the message must match[, pytest mark])
ROWS = [
    # -- wrong rank or shape, for each layer kind ------------------------------------------------------------------
    ("dense-rank", "classifier", _predict(np.zeros((2, 4, 4), "float32")), ShapeError,
     r"input_layer.*expects shape \(None, 4\).*received shape \(2, 4, 4\).*[Rr]eshape"),
    ("dense-features", "classifier", _fit(np.zeros((8, 5), "float32"), Y), ShapeError,
     r"expects shape \(None, 4\).*received shape \(8, 5\).*reshape"),
    ("dense-layer-called-on-other-width", "classifier", _layer(0, np.zeros((2, 6), "float32")), ShapeError,
     r"Dense 'dense.*' was built for inputs of shape \(batch, \.\.\., 4\); received shape \(2, 6\)"),
    ("conv2d-rank", "conv", _layer(0, np.zeros((2, 6, 6), "float32")), ShapeError,
     r"Conv2D 'conv2d.*' expects inputs of rank 4.*received shape \(2, 6, 6\).*x\[\.\.\., None\]"),
    ("conv2d-channels", "conv", _predict(np.zeros((2, 6, 6, 3), "float32")), ShapeError,
     r"expects shape \(None, 6, 6, 1\).*received shape \(2, 6, 6, 3\)"),
    ("conv2d-window-larger-than-input", "conv", lambda m: layers.Conv2D(2, 7)(np.zeros((1, 6, 6, 1), "float32")),
     ShapeError, r"Conv2D .*kernel_size=\(7, 7\).*does not fit.*\(.*6, 6, 1\).*padding='same'"),
    ("lstm-rank", "lstm", _layer(0, np.zeros((2, 3), "float32")), ShapeError,
     r"LSTM 'lstm.*' expects inputs of rank 3.*received shape \(2, 3\).*Add a time axis"),
    ("lstm-features", "lstm", _predict(np.zeros((2, 5, 4), "float32")), ShapeError,
     r"expects shape \(None, 5, 3\).*received shape \(2, 5, 4\)"),
    ("embedding-index-too-large", "embedding", _predict(np.full((2, 5), 12)), OpIndexError,
     r"Embedding 'embedding.*' has input_dim=10.*\[0, 10\).*index 12.*Raise input_dim"),
    ("embedding-negative-index", "embedding",
     _fit(np.array([[1, 2, -1, 3, 4]] * 4), np.zeros((4, 1), "float32")), OpIndexError,
     r"Embedding 'embedding.*' has input_dim=10.*\[0, 10\); received index -1 .*Negative indices do not count"),
    ("batchnorm-features", "batchnorm", _layer(0, np.zeros((2, 5), "float32")), ShapeError,
     r"BatchNormalization 'batch_normalization.*' was built for inputs of rank 2 with 4 features.*\(2, 5\)"),
    ("add-shapes-differ", "merge", lambda m: layers.Add()([np.zeros((2, 3), "float32"), np.zeros((2, 4), "float32")]),
     ShapeError, r"Add 'add.*' cannot merge inputs of shapes \[\(2, 3\), \(2, 4\)\].*same shape"),
    ("add-single-tensor", "merge", lambda m: layers.Add()(np.zeros((2, 3), "float32")), ShapeError,
     r"Add 'add.*' takes a list of inputs, e\.g\. Add\(\)\(\[x, y\]\); received a single input of shape \(2, 3\)"),
    ("concatenate-batch-differs", "merge",
     lambda m: layers.Concatenate()([np.zeros((2, 3), "float32"), np.zeros((3, 4), "float32")]), ShapeError,
     r"Concatenate 'concatenate.*' requires inputs whose shapes match.*\[\(2, 3\), \(3, 4\)\].*axis 0"),
    ("concatenate-ranks-differ", "merge",
     lambda m: layers.Concatenate()([np.zeros((2, 3), "float32"), np.zeros((2, 3, 4), "float32")]), ShapeError,
     r"Concatenate 'concatenate.*' joins inputs of one rank.*\[\(2, 3\), \(2, 3, 4\)\]"),
    ("merge-model-wrong-input-count", "merge", _predict([X[:, :3]]), ShapeError,
     r"Model .functional.*. has 2 inputs; received 1\. Pass a list with one array per input"),
    ("reshape-entries-differ", "reshape", lambda m: layers.Reshape((4,))(np.zeros((2, 6), "float32")), ShapeError,
     r"Reshape 'reshape.*' cannot reshape samples of shape \(6,\) \(6 entries\) to target_shape=\(4,\)"),
    ("reshape-two-unknown-axes", "reshape", lambda m: layers.Reshape((-1, -1)), ConfigError,
     r"Reshape .*at most one entry of `target_shape` may be -1\. Received: target_shape=\(-1, -1\)"),
    # -- x, y and sample_weight --------------------------------------------------------------------------------
    ("x-y-lengths-differ", "classifier", _fit(X, Y[:5]), ShapeError,
     r"x has 8 samples but y has 5: they must have the same length"),
    ("evaluate-x-y-lengths-differ", "classifier", lambda m: m.evaluate(X, Y[:3], verbose=0), ShapeError,
     r"x has 8 samples but y has 3"),
    ("train-on-batch-lengths-differ", "classifier", lambda m: m.train_on_batch(X, Y[:3]), ShapeError,
     r"x has 8 samples but y has 3"),
    ("sample-weight-length", "classifier", _fit(X, Y, sample_weight=np.ones(3)), ShapeError,
     r"sample_weight has 3 entries for 8 samples; give one weight per sample"),
    ("nan-in-x", "classifier", _fit(_nan_at(X, 5), Y), NonFiniteDataError,
     r"`x` holds nan at row 5.*expected finite.*np\.isfinite"),
    ("inf-in-x", "classifier", _fit(_nan_at(X, 2, -np.inf), Y), NonFiniteDataError, r"`x` holds -inf at row 2"),
    ("nan-in-y", "classifier", _fit(X, _nan_at(ONE_HOT_Y, 7)), NonFiniteDataError,
     r"`y` holds nan at row 7"),
    ("inf-in-validation-data", "classifier", _fit(X, Y, validation_data=(_nan_at(X, 1, np.inf), Y)),
     NonFiniteDataError, r"`x` holds inf at row 1"),
    ("nan-in-sample-weight", "classifier", _fit(X, Y, sample_weight=_nan_at(np.ones(8, "float32"), 4)),
     NonFiniteDataError, r"`sample_weight` holds nan at row 4"),
    ("label-above-class-count", "classifier", _fit(X, np.full(8, 5)), OpIndexError,
     r"labels must be in \[0, 3\) for an output with 3 classes.*received labels in \[5, 5\].*one unit per class"),
    ("negative-label", "classifier", _fit(X, np.full(8, -1)), OpIndexError,
     r"labels must be in \[0, 3\).*received labels in \[-1, -1\]"),
    # -- dtypes ------------------------------------------------------------------------------------------------
    ("string-x", "classifier", _fit(np.array([["a"] * 4] * 8), Y), DTypeError,
     r"`x` holds strings .*dtype <U1.*models take numbers.*StringLookup"),
    ("string-y", "classifier", _fit(X, np.array(["cat"] * 8)), DTypeError, r"`y` holds strings .*dtype <U3"),
    ("object-x", "classifier", _fit(np.array([[1.0, "a", None, 2]] * 8, dtype=object), Y), DTypeError,
     r"`x` holds Python objects \(dtype object\).*expected a numeric array.*np\.asarray\(rows, 'float32'\)"),
    ("complex-x", "classifier", _fit(X.astype("complex64"), Y), DTypeError,
     r"`x` has dtype complex64; expected integers, booleans or real floats.*x\.real"),
    ("datetime-x", "classifier", _fit(np.zeros((8, 4), "datetime64[s]"), Y), DTypeError,
     r"`x` has dtype datetime64\[s\]"),
    ("float64-nan-x", "classifier", _fit(_nan_at(X.astype("float64"), 3), Y), NonFiniteDataError,
     r"`x` holds nan at row 3"),
    # -- sizes and arguments -------------------------------------------------------------------------------------
    ("empty-x", "classifier", _fit(np.zeros((0, 4), "float32"), np.zeros(0, "int64")), ShapeError,
     r"`x` is empty \(0 samples\)"),
    ("batch-size-zero", "classifier", _fit(X, Y, batch_size=0), ConfigError,
     r"`batch_size` must be a positive int\. Received: batch_size=0"),
    ("batch-size-fraction", "classifier", _fit(X, Y, batch_size=2.5), ConfigError,
     r"`batch_size` must be a positive int\. Received: batch_size=2\.5"),
    ("epochs-negative", "classifier", _fit(X, Y, epochs=-1), ConfigError,
     r"`epochs` must be a positive int\. Received: epochs=-1"),
    ("validation-split-and-data", "classifier", _fit(X, Y, validation_split=0.2, validation_data=(X, Y)),
     ConfigError, r"pass either validation_split or validation_data, not both \(received validation_split=0\.2\)"),
    ("validation-split-above-one", "classifier", _fit(X, Y, validation_split=1.5), ConfigError,
     r"`validation_split` must be in \(0, 1\)\. Received: 1\.5"),
    # -- unknown names, for every registry kind -----------------------------------------------------------------
    ("unknown-layer", "classifier", lambda m: kcore.layers.get("Dens"), UnknownNameError,
     rf"Unknown layer 'Dens'\. {NEAR} 'Dense'\?.*plugin"),
    ("unknown-loss", "classifier", lambda m: m.compile(optimizer="adam", loss="sparse_categorical_crossentropie"),
     UnknownNameError, rf"Unknown loss 'sparse_categorical_crossentropie'\. {NEAR} 'sparse_categorical_crossentropy'"),
    ("unknown-optimizer", "classifier", lambda m: m.compile(optimizer="adma", loss="mse"), UnknownNameError,
     rf"Unknown optimizer 'adma'\. {NEAR} .*'adam'.*Installed optimizers: .*SGD"),
    ("unknown-metric", "classifier", lambda m: kcore.metrics.get("acuracy"), UnknownNameError,
     rf"Unknown metric 'acuracy'\. {NEAR} 'accuracy'"),
    ("unknown-callback", "classifier", lambda m: kcore.callbacks.get("EarlyStoping"), UnknownNameError,
     rf"Unknown callback 'EarlyStoping'\. {NEAR} 'EarlyStopping'\?"),
    ("unknown-activation", "classifier", lambda m: layers.Dense(3, activation="reluu"), ConfigError,
     rf"Dense 'dense.*': `activation`: Unknown activation 'reluu'\. {NEAR} 'relu'"),
    ("unknown-initializer", "classifier", lambda m: layers.Dense(3, kernel_initializer="glorot_unifrom"), ConfigError,
     rf"`kernel_initializer`: Unknown initializer 'glorot_unifrom'\. {NEAR} 'glorot_uniform'"),
    ("unknown-regularizer", "classifier", lambda m: layers.Dense(3, kernel_regularizer="l1l2"), ConfigError,
     rf"`kernel_regularizer`: Unknown regularizer 'l1l2'\. {NEAR} 'L1L2'"),
    ("unknown-constraint", "classifier", lambda m: layers.Dense(3, kernel_constraint="max_nrom"), ConfigError,
     rf"`kernel_constraint`: Unknown constraint 'max_nrom'\. {NEAR} 'max_norm'"),
    ("unknown-schedule", "classifier", lambda m: kcore.plugins.manager().get("schedule", "ExponentialDeca"),
     UnknownNameError, rf"Unknown schedule 'ExponentialDeca'\. {NEAR} 'ExponentialDecay'"),
    ("unknown-dataset", "classifier", lambda m: kcore.datasets.get("mnsit"), UnknownNameError,
     rf"Unknown dataset 'mnsit'\. {NEAR} 'mnist'\?"),
    ("unknown-backend", "classifier", lambda m: kcore.backend.activate("nump"), BackendError,
     rf"The backend 'nump'.*is not installed\. Unknown backend 'nump'\. {NEAR} 'numpy'\?.*KCORE_BACKEND=numpy"),
    ("missing-backend-plugin", "classifier", _activate_uninstalled_backend, MissingPluginError,
     r"The backend 'fancy' is provided by the distribution kcore-backend-fancy, which is not installed\. "
     r"Install it: pip install kcore-backend-fancy"),
    # -- files of the wrong kind ---------------------------------------------------------------------------------
    ("weights-file-to-load-model", "classifier", _weights_file_to_load_model, ConfigError,
     r"load_model\(.*model\.weights\.h5'\): a \.weights\.h5 file holds weights only.*model\.load_weights"),
    ("text-file-named-keras", "classifier",
     lambda m, tmp_path: kcore.saving.load_model(_file(tmp_path, "notes.keras", b"just some text\n")),
     CorruptFileError, r"notes\.keras' is not a readable \.keras archive \(a zip file\).*not a \.keras file"),
    ("text-file-named-weights", "classifier",
     lambda m, tmp_path: m.load_weights(_file(tmp_path, "notes.weights.h5", b"just some text\n")),
     CorruptFileError, r"notes\.weights\.h5' is not a readable HDF5 weights file.*not a \.weights\.h5 file"),
    ("weights-of-another-architecture", "classifier", _keras_archive_into_other_model, ShapeError,
     r"Layer 'dense.*': variable 'kernel' has shape \(4, 5\); the weights file holds shape \(4, 7\).*No weight"),
    ("truncated-legacy-h5", "classifier",
     lambda m, tmp_path: kcore.saving.load_model(_file(tmp_path, "model.h5", b"\x89HDF\r\n\x1a\n")),
     CorruptFileError, r"load_model\(.*model\.h5'\): not a readable HDF5 file"),
]

BUILTIN = {ShapeError: ValueError, ConfigError: ValueError, UnknownNameError: ValueError, DTypeError: TypeError,
           OpIndexError: IndexError, NonFiniteDataError: ValueError, BackendError: RuntimeError,
           MissingPluginError: ImportError, CorruptFileError: ValueError}


def _state(model):
    return [w.copy() for w in model.get_weights()], [np.array(v.numpy()) for v in model.optimizer.variables]


def test_the_table_has_at_least_forty_rows_with_distinct_ids():
    ids = [row[0] for row in ROWS]
    assert len(ids) >= 40 and len(set(ids)) == len(ids)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize(("model_kind", "action", "error", "pattern"),
                         [pytest.param(*row[1:5], id=row[0], marks=row[5:]) for row in ROWS])
def test_a_bad_input_raises_a_clear_kcore_error_and_changes_nothing(model_kind, action, error, pattern, tmp_path):
    model = _fresh(model_kind)
    weights, slots = _state(model)
    assert slots, "the optimizer has state to compare"
    backend = kcore.backend.backend()
    with pytest.raises(error) as caught:
        action(model, tmp_path) if action.__code__.co_argcount == 2 else action(model)
    assert isinstance(caught.value, KcoreError)
    classes = error if isinstance(error, tuple) else (error,)
    assert any(isinstance(caught.value, BUILTIN[c]) for c in classes if c in BUILTIN), type(caught.value).__mro__
    assert re.search(pattern, str(caught.value), re.DOTALL), str(caught.value)
    after_weights, after_slots = _state(model)
    assert len(after_weights) == len(weights) and len(after_slots) == len(slots)
    for before, after in zip(weights + slots, after_weights + after_slots, strict=True):
        np.testing.assert_array_equal(before, after)
    assert kcore.backend.backend() == backend, "a failed backend switch left another backend active"
