"""`KCORE_BACKEND=cupy pytest`: kcore's whole test suite on CuPy, or, where CuPy or a GPU is missing, every test
skipped with the reason (instead of each failing on the same BackendError).

pytest loads this through the `pytest11` entry point. It does nothing unless the cupy backend is selected
(KCORE_BACKEND, or "backend" in the kcore config file), and then touches only the tests inside the kcore source
checkout that kcore is imported from, so a project that merely uses kcore keeps its own outcomes.
"""

import json
import os
import pathlib

import pytest

_STATE = pytest.StashKey[tuple]()  # (checkout root, None or the reason the backend cannot run, header line)


def selected_backend():
    """The configured backend's name, read without filling kcore's settings cache (tests re-read it)."""
    if os.environ.get("KCORE_BACKEND"):
        return os.environ["KCORE_BACKEND"]
    from kcore import config

    try:
        with open(config.config_path(), encoding="utf-8") as f:
            return json.load(f).get("backend")
    except (OSError, ValueError, AttributeError):
        return None  # no file, or a broken one: kcore itself reports that, with the fix


def kcore_checkout():
    """The root of the kcore source checkout kcore is imported from, or None for an installed kcore."""
    import kcore

    root = pathlib.Path(kcore.__file__).resolve().parents[1]
    return root if (root / "plugins" / "backend-cupy" / "pyproject.toml").is_file() else None


def _describe(reason):
    if reason is not None:
        return f"kcore backend: cupy, unavailable here ({reason}): the tests of kcore are skipped"
    import cupy

    try:
        device = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)["name"].decode()
    except Exception as e:  # only the header line depends on it
        device = f"name unknown: {e}"
    return f"kcore backend: cupy (CuPy {cupy.__version__}, cuda:{cupy.cuda.Device().id}, {device})"


def pytest_configure(config):
    root = kcore_checkout() if selected_backend() == "cupy" else None
    if root is None:
        return
    from kcore_backend_cupy.availability import unavailable_reason

    reason = unavailable_reason()
    config.stash[_STATE] = (root, reason, _describe(reason))


def pytest_report_header(config):
    state = config.stash.get(_STATE, None)
    return None if state is None else state[2]


def pytest_collection_modifyitems(config, items):
    root, reason, _ = config.stash.get(_STATE, (None, None, None))
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"KCORE_BACKEND=cupy: {reason}")
    for item in items:
        if root in item.path.parents:
            item.add_marker(skip)
