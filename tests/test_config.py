"""kcore.config: the settings file in KCORE_HOME, the KCORE_BACKEND override, and validation."""

import json

import pytest

from kcore import config
from kcore.errors import ConfigError


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty KCORE_HOME and no KCORE_BACKEND; settings re-read before and forgotten after the test."""
    folder = tmp_path / "kcore-home"
    monkeypatch.setenv("KCORE_HOME", str(folder))
    monkeypatch.delenv("KCORE_BACKEND", raising=False)
    config.reset()
    yield folder
    config.reset()


def _write(folder, content):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kcore.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_config_file_is_created_with_the_defaults_on_first_use(home):
    assert not home.exists()

    assert config.floatx() == "float32"

    assert config.config_path() == str(home / "kcore.json")
    assert json.loads((home / "kcore.json").read_text()) == config.DEFAULTS
    assert config.as_dict() == config.DEFAULTS


def test_home_defaults_to_dot_kcore_in_the_user_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("KCORE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert config.home() == str(tmp_path / ".kcore")


def test_values_are_read_from_the_config_file_and_missing_ones_keep_their_defaults(home):
    _write(home, {"floatx": "float64", "epsilon": 1, "image_data_format": "channels_first", "unknown": 3})

    assert config.floatx() == "float64"
    assert config.epsilon() == 1.0 and isinstance(config.epsilon(), float)
    assert config.image_data_format() == "channels_first"
    assert config.backend() == "numpy"
    assert "unknown" not in config.as_dict()


def test_settings_are_read_once_until_reset(home):
    path = _write(home, {"floatx": "float16"})
    assert config.floatx() == "float16"

    path.write_text(json.dumps({"floatx": "float64"}))
    assert config.floatx() == "float16"
    config.reset()
    assert config.floatx() == "float64"


def test_kcore_backend_environment_variable_overrides_the_file(home, monkeypatch):
    _write(home, {"backend": "numpy"})
    monkeypatch.setenv("KCORE_BACKEND", "cupy")
    config.reset()

    assert config.backend() == "cupy"

    monkeypatch.setenv("KCORE_BACKEND", "")  # empty means unset
    config.reset()
    assert config.backend() == "numpy"


def test_invalid_floatx_in_the_file_names_the_file_the_value_and_the_choices(home):
    path = _write(home, {"floatx": "float8"})

    with pytest.raises(ConfigError) as info:
        config.floatx()

    message = str(info.value)
    assert str(path) in message
    assert "'float8'" in message
    assert all(choice in message for choice in config.FLOATX_CHOICES)
    assert isinstance(info.value, ValueError)


def test_set_floatx_refuses_an_invalid_value_and_keeps_the_old_one(home):
    with pytest.raises(ConfigError, match=r"set_floatx.*'float16', 'float32', 'float64'.*floatx='int8'"):
        config.set_floatx("int8")
    assert config.floatx() == "float32"


@pytest.mark.parametrize(("setter", "value", "expected"), [
    (config.set_epsilon, 0, "positive number"),
    (config.set_epsilon, "1e-7", "positive number"),
    (config.set_epsilon, True, "positive number"),
    (config.set_image_data_format, "channels_middle", "'channels_last', 'channels_first'"),
])
def test_setters_refuse_invalid_values_with_the_value_and_what_is_allowed(home, setter, value, expected):
    with pytest.raises(ConfigError) as info:
        setter(value)
    assert expected in str(info.value) and repr(value) in str(info.value)


def test_empty_backend_in_the_config_file_is_refused(home):
    _write(home, {"backend": ""})
    with pytest.raises(ConfigError, match="`backend` must be a backend name"):
        config.backend()


def test_corrupt_config_file_names_the_path_and_the_fix(home):
    path = _write(home, '{"floatx": "float32",')

    with pytest.raises(ConfigError) as info:
        config.floatx()

    message = str(info.value)
    assert str(path) in message
    assert "Fix or delete it" in message


def test_config_file_that_is_not_an_object_is_refused(home):
    path = _write(home, "[1, 2]")
    with pytest.raises(ConfigError, match=rf"{path}.*JSON object.*list.*Delete it"):
        config.as_dict()


def test_setters_change_the_settings_for_this_process(home):
    config.set_floatx("float64")
    config.set_epsilon(1e-5)
    config.set_image_data_format("channels_first")

    assert (config.floatx(), config.epsilon(), config.image_data_format()) == ("float64", 1e-5, "channels_first")
    config.reset()
    assert (config.floatx(), config.epsilon(), config.image_data_format()) == ("float32", 1e-7, "channels_last")


def test_unwritable_home_still_gives_the_defaults(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("KCORE_HOME", str(blocker / "kcore"))  # a folder cannot be made inside a file
    monkeypatch.delenv("KCORE_BACKEND", raising=False)
    config.reset()
    try:
        assert config.as_dict() == config.DEFAULTS
    finally:
        config.reset()


def test_backend_module_reexports_the_config_getters(home):
    from kcore import backend

    _write(home, {"floatx": "float16", "epsilon": 0.5})
    assert (backend.floatx(), backend.epsilon(), backend.image_data_format()) == ("float16", 0.5, "channels_last")
