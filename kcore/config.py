"""Global settings, kept in `$KCORE_HOME/kcore.json` (default `~/.kcore/kcore.json`), as Keras keeps keras.json.

The file is created with the defaults on first use when its folder is writable. `KCORE_BACKEND` overrides the
file's backend. Nothing here imports NumPy: reading the config must stay cheap.

Example:
    >>> from kcore import config
    >>> config.floatx()
    'float32'
"""

import json
import os

from kcore.errors import ConfigError
from kcore.fileio import atomic_write

DEFAULTS = {"backend": "numpy", "floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last"}
FLOATX_CHOICES = ("float16", "float32", "float64")
IMAGE_DATA_FORMATS = ("channels_last", "channels_first")

_settings = None


def home():
    """The folder of kcore's config and caches: `$KCORE_HOME`, else `~/.kcore`."""
    return os.environ.get("KCORE_HOME") or os.path.join(os.path.expanduser("~"), ".kcore")


def config_path():
    return os.path.join(home(), "kcore.json")


def _validate(key, value, source):
    if key == "floatx" and value not in FLOATX_CHOICES:
        raise ConfigError(f"{source}: `floatx` must be one of {FLOATX_CHOICES}. Received: floatx={value!r}")
    if key == "image_data_format" and value not in IMAGE_DATA_FORMATS:
        raise ConfigError(
            f"{source}: `image_data_format` must be one of {IMAGE_DATA_FORMATS}. Received: {value!r}")
    if key == "epsilon" and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
        raise ConfigError(f"{source}: `epsilon` must be a positive number. Received: epsilon={value!r}")
    if key == "backend" and (not isinstance(value, str) or not value):
        raise ConfigError(f"{source}: `backend` must be a backend name such as 'numpy'. Received: {value!r}")
    return float(value) if key == "epsilon" else value


def _read_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ConfigError(f"Cannot read the kcore config file {path}: {e}. Fix or delete it; kcore writes a "
                          f"fresh one with the defaults {DEFAULTS} on next use.") from e
    if not isinstance(data, dict):
        raise ConfigError(f"The kcore config file {path} must hold a JSON object; it holds "
                          f"{type(data).__name__}. Delete it to get the defaults back.")
    return data


def _write_defaults(path):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with atomic_write(path, "w") as f:
            json.dump(DEFAULTS, f, indent=4)
    except OSError:
        pass  # a read-only home is fine: the defaults still apply, as in Keras


def _load():
    global _settings
    path = config_path()
    if os.path.exists(path):
        stored = _read_file(path)
    else:
        stored = {}
        _write_defaults(path)
    settings = dict(DEFAULTS)
    for key in DEFAULTS:
        if key in stored:
            settings[key] = _validate(key, stored[key], f"config file {path}")
    if os.environ.get("KCORE_BACKEND"):
        settings["backend"] = _validate("backend", os.environ["KCORE_BACKEND"], "KCORE_BACKEND")
    _settings = settings
    return settings


def _get(key):
    return (_settings or _load())[key]


def _set(key, value):
    (_settings or _load())[key] = _validate(key, value, f"set_{key}")


def reset():
    """Forget the settings read so far; the next read goes back to the file and the environment."""
    global _settings
    _settings = None


def backend():
    """The name of the configured backend, e.g. 'numpy'."""
    return _get("backend")


def floatx():
    """The default float dtype, as a string: 'float32' unless configured otherwise."""
    return _get("floatx")


def set_floatx(value):
    _set("floatx", value)


def epsilon():
    """The fuzz factor used to avoid dividing by zero, 1e-7 by default."""
    return _get("epsilon")


def set_epsilon(value):
    _set("epsilon", value)


def image_data_format():
    """'channels_last' (the default) or 'channels_first'."""
    return _get("image_data_format")


def set_image_data_format(value):
    _set("image_data_format", value)


def as_dict():
    return dict(_settings or _load())
