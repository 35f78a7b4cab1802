"""`KCORE_BACKEND=cupy pytest` on a machine where the backend cannot run skips kcore's tests with the reason, and
leaves every other test suite, and every other backend, alone. Each case runs pytest in a fresh process."""

import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SAMPLE = HERE / "test_plugin.py"  # a test file of the kcore checkout that needs no GPU


def _pytest(args, cwd, prelude="", **env):
    """pytest in a fresh process with KCORE_BACKEND and PYTHONPATH from `env` only; `prelude` runs first."""
    clean = {k: v for k, v in os.environ.items() if k not in ("KCORE_BACKEND", "PYTHONPATH", "KCORE_HOME")}
    clean.update(KCORE_HOME=str(cwd / "kcore-home"), **env)
    code = f"import sys\n{prelude}\nimport pytest\nsys.exit(pytest.main({[str(a) for a in args]!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean, cwd=cwd,
                          timeout=300)


def test_without_a_visible_gpu_every_test_of_kcore_is_skipped_with_the_reason(tmp_path, fake_cupy_folder):
    result = _pytest(["-rs", "-p", "no:cacheprovider", SAMPLE], ROOT, KCORE_BACKEND="cupy",
                     PYTHONPATH=str(fake_cupy_folder("no device")))

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "kcore backend: cupy, unavailable here (no CUDA GPU visible (cudaErrorNoDevice" in result.stdout
    assert "KCORE_BACKEND=cupy: no CUDA GPU visible (cudaErrorNoDevice: no CUDA-capable device is detected)" in (
        result.stdout)
    assert " passed" not in result.stdout and " skipped" in result.stdout


def test_without_cupy_the_skip_reason_says_cupy_is_not_installed(tmp_path):
    result = _pytest(["-q", "-rs", "-p", "no:cacheprovider", SAMPLE], ROOT, KCORE_BACKEND="cupy",
                     prelude="sys.modules['cupy'] = None  # as on a machine without CuPy")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "KCORE_BACKEND=cupy: CuPy not installed" in result.stdout and " passed" not in result.stdout


def test_tests_outside_kcore_and_runs_on_other_backends_are_left_alone(tmp_path, fake_cupy_folder):
    (tmp_path / "test_elsewhere.py").write_text("def test_runs():\n    pass\n")
    elsewhere = _pytest(["-q", "-p", "no:cacheprovider", tmp_path / "test_elsewhere.py"], tmp_path,
                        KCORE_BACKEND="cupy", PYTHONPATH=str(fake_cupy_folder("no device")))
    numpy = _pytest(["-q", "-p", "no:cacheprovider", SAMPLE, "-k", "arguments_and_defaults"], ROOT,
                    KCORE_BACKEND="numpy", PYTHONPATH=str(fake_cupy_folder("no device")))

    assert "1 passed" in elsewhere.stdout and "kcore backend" not in elsewhere.stdout, elsewhere.stdout[-3000:]
    assert "4 passed" in numpy.stdout and "skipped" not in numpy.stdout, numpy.stdout[-3000:]
