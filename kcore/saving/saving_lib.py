"""`save_model` / `load_model` (the `.keras` archive) and `save_weights` / `load_weights` (`.weights.h5`).

A `.keras` file is Keras 3's: a zip of `metadata.json`, `config.json` (the model's config with its
`build_config` and `compile_config`) and `model.weights.h5` (every variable, the optimizer's state included).
Every write is atomic (`kcore.fileio.atomic_write`): a crash mid-save leaves the previous file as it was.

Loading is safe by construction: everything in the file is checked before anything is built from it (the
archive's table of contents, the config for code, the weights file's links and sizes); classes are found by
name only, never by importing a module the file names; nothing is unpickled or executed.
"""

import datetime
import json
import os
import warnings

from kcore.errors import ConfigError, KcoreError
from kcore.saving import archive as archive_lib
from kcore.saving.errors import CorruptFileError, MissingFileError, TargetExistsError

#: values a loaded config may create beyond what its weights file declares (see load_model)
WEIGHT_BUDGET_SLACK = 1 << 20

#: the Keras release whose `.keras` format kcore writes (written as `keras_version` in metadata.json)
KERAS_VERSION = "3.0.0"


def _path(filepath, what):
    try:
        return os.fspath(filepath)
    except TypeError:
        raise ConfigError(f"{what}: `filepath` must be a path (str or pathlib.Path); received {filepath!r}.") from None


def _check_target(path, overwrite, what):
    if not overwrite and os.path.exists(path):
        raise TargetExistsError(f"{what}: {path!r} exists and overwrite=False. Pass overwrite=True to replace it.")


def _json_default(value):
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"a {type(value).__name__} ({value!r:.100}) cannot be written as JSON")


def _to_json(config, what):
    try:
        return json.dumps(config, default=_json_default)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{what}: a get_config() returned a value that JSON cannot hold: {e}. Return only "
                          f"numbers, strings, lists, dicts and None from get_config.") from e


def _writes_files():
    """Whether this process writes model files: always, except in data-parallel training (`kcore.distribution`),
    where process 0 alone does (the others hold the same weights)."""
    from kcore.distribution import is_chief

    return is_chief()


def _check_built(model, what):
    if not getattr(model, "built", False):
        raise KcoreError(f"{what}: model '{model.name}' is not built yet, so it has no weights. Call it on data, "
                         f"give it an Input, or call model.build(input_shape) first.")


# -- the .keras archive ---------------------------------------------------------------------------------------


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Save `model` (config, weights, optimizer state, compile arguments) as a Keras 3 `.keras` archive."""
    from kcore.saving import compile_config, h5_store, object_tree, serialization

    path = _path(filepath, "save")
    if kwargs:
        raise ConfigError(f"save(): unknown argument(s) {sorted(kwargs)}.")
    if zipped is False:
        raise ConfigError("save(zipped=False): kcore writes only the zipped .keras archive.")
    if path.endswith((".h5", ".hdf5")):
        raise ConfigError(f"save({path!r}): the legacy HDF5 model format is not supported. Save the whole model "
                          f"as 'name.keras', or only its weights with save_weights('name.weights.h5').")
    if not path.endswith(".keras"):
        raise ConfigError(f"save({path!r}): the file name must end in '.keras' (e.g. 'model.keras').")
    _check_built(model, "save")
    _check_target(path, overwrite, "save")
    if not _writes_files():
        return
    config = serialization.serialize_keras_object(model)
    compiled = compile_config.serialize_compile_config(model)
    if compiled is not None:
        config["compile_config"] = compiled
    import kcore

    metadata = {"keras_version": KERAS_VERSION, "kcore_version": kcore.__version__,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    writer = h5_store.H5Writer()
    object_tree.save_state(model, writer)
    archive_lib.write_archive(path, {archive_lib.METADATA: json.dumps(metadata).encode(),
                                     archive_lib.CONFIG: _to_json(config, "save").encode(),
                                     archive_lib.WEIGHTS: writer.getvalue()})


def _read_config(archive, path):
    raw = archive.read(archive_lib.CONFIG, max_bytes=archive.limits.max_json_bytes)
    try:
        config = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise CorruptFileError(f"{path!r}: config.json is not valid JSON ({type(e).__name__}: {e}). The file is "
                               f"corrupt.") from e
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict) or "class_name" not in config:
        raise CorruptFileError(f"{path!r}: config.json does not describe a model (no 'class_name' and 'config').")
    return config


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved as a `.keras` archive, by kcore or by Keras 3.

    Args:
        filepath: the `.keras` file.
        custom_objects: {name: class or function} for custom classes the file names (registered classes are
            found without it).
        compile: compile the model as it was saved (optimizer state included).
        safe_mode: refuse Lambda layers that call Python functions the file only names. Marshalled bytecode is
            refused in any mode.

    Example:
        >>> model.save("model.keras")
        >>> restored = kcore.saving.load_model("model.keras")
    """
    from kcore.layers.layer import weight_budget
    from kcore.saving import compile_config, config_checks, h5_store, serialization

    path = _path(filepath, "load_model")
    if path.endswith(".weights.h5"):
        raise ConfigError(f"load_model({path!r}): a .weights.h5 file holds weights only. Build the model in code "
                          f"and call model.load_weights({path!r}).")
    if path.endswith((".h5", ".hdf5")):
        if not os.path.exists(path):
            raise MissingFileError(f"load_model: no file at {path!r}.")
        from kcore.saving import legacy_h5

        return legacy_h5.load_model(path, custom_objects, compile, safe_mode)
    if not path.endswith(".keras"):
        raise ConfigError(f"load_model({path!r}): kcore loads '.keras' archives; the file name must end in '.keras'.")
    if not os.path.exists(path):
        raise MissingFileError(f"load_model: no file at {path!r}.")
    with archive_lib.Archive(path) as archive:
        config = _read_config(archive, path)
        config_checks.refuse_code(config, safe_mode, path)
        weights = archive.read(archive_lib.WEIGHTS)
    reader = h5_store.H5Reader(weights, f"{path}/{archive_lib.WEIGHTS}")  # checked before anything is built
    try:
        # Every weight a model has is in its file, so the config may not build more values than the file
        # declares (plus a little for variables a newer Keras might not store): a config asking for a giant layer
        # is refused before it is allocated.
        with weight_budget(reader.declared_values + WEIGHT_BUDGET_SLACK, path):
            config_checks.drop_keras_defaults(config)
            saved_compile = config.pop("compile_config", None)
            model = serialization.deserialize_keras_object(config, custom_objects, safe_mode)
            if compile and saved_compile:
                compile_config.compile_from_config(model, saved_compile, custom_objects)
            _load_state(model, reader, skip_mismatch=False)
    except KcoreError:
        raise
    except Exception as e:  # a file no check foresaw: still an error about the file, never a crash
        raise CorruptFileError(f"load_model({path!r}): the model in the file cannot be rebuilt: {type(e).__name__}: "
                               f"{str(e)[:300]}. The file is corrupt, or was written by an incompatible program."
                               ) from e
    finally:
        reader.close()
    return model


# -- weights files --------------------------------------------------------------------------------------------


def save_weights(model, filepath, overwrite=True, max_shard_size=None):
    """Save every variable of `model` (and its optimizer's state) as a Keras 3 `.weights.h5` file, atomically."""
    from kcore.fileio import atomic_write
    from kcore.saving import h5_store, object_tree

    path = _path(filepath, "save_weights")
    if max_shard_size is not None:
        raise ConfigError("save_weights(max_shard_size=...): sharded weights files are not supported by kcore.")
    if not path.endswith(".weights.h5"):
        raise ConfigError(f"save_weights({path!r}): the file name must end in '.weights.h5'.")
    _check_built(model, "save_weights")
    _check_target(path, overwrite, "save_weights")
    if not _writes_files():
        return
    writer = h5_store.H5Writer()
    object_tree.save_state(model, writer)
    data = writer.getvalue()
    with atomic_write(path, "wb") as f:
        f.write(data)


def load_weights(model, filepath, skip_mismatch=False):
    """Load weights saved by `save_weights` (or those inside a `.keras` archive) into the built `model`.

    All counts and shapes are checked; if any does not fit, no weight is left changed (unless `skip_mismatch`,
    which skips the layers that do not fit, with a warning).
    """
    from kcore.saving import h5_store

    path = _path(filepath, "load_weights")
    _check_built(model, "load_weights")
    if path.endswith(".keras"):
        with archive_lib.Archive(path) as archive:
            source = archive.read(archive_lib.WEIGHTS)
        label = f"{path}/{archive_lib.WEIGHTS}"
    elif path.endswith(".weights.h5"):
        source = label = path
    elif path.endswith((".h5", ".hdf5")):  # Keras 2's save_weights / save: legacy HDF5, filed layer by layer
        if not os.path.exists(path):
            raise MissingFileError(f"load_weights: no file at {path!r}.")
        from kcore.saving import legacy_h5

        return legacy_h5.load_weights(model, path, skip_mismatch)
    else:
        raise ConfigError(f"load_weights({path!r}): the file must be a '.weights.h5' file, a legacy Keras '.h5' "
                          f"file or a '.keras' archive.")
    reader = h5_store.H5Reader(source, label)
    try:
        variables = list(model.weights)
        if _optimizer(model) is not None:
            variables += model.optimizer.variables
        saved = [(v, v.numpy()) for v in variables]
        try:
            _load_state(model, reader, skip_mismatch)
        except BaseException:
            for variable, value in saved:
                variable.assign(value)
            raise
    finally:
        reader.close()


def _optimizer(model):
    return getattr(model, "optimizer", None)


def _load_state(model, reader, skip_mismatch):
    from kcore.saving import object_tree

    optimizer = _optimizer(model)
    if optimizer is not None and not optimizer.built and reader.has_path("optimizer"):
        optimizer.build(model.trainable_variables)  # its slots must exist before their values can be loaded
    object_tree.load_state(model, reader, skip_mismatch)
    unread = [p for p in reader.unread_paths() if optimizer is not None or not p.startswith("optimizer/")]
    if unread:
        warnings.warn(f"{reader.label!r} holds variables that no part of model '{model.name}' asked for: "
                      f"{unread[:5]}{' ...' if len(unread) > 5 else ''}. The file was saved from a different model.",
                      stacklevel=3)
