"""kcore_backend_numpy.native: C kernels compiled once per machine on first use, and a clean fallback to NumPy
where they cannot be."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from kcore_backend_numpy import native

SOURCE = "long long twice(long long x) { return 2 * x; }\n"
needs_compiler = pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")


@pytest.fixture
def source(tmp_path, monkeypatch):
    monkeypatch.setenv("KCORE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KCORE_NATIVE", raising=False)
    monkeypatch.delenv("CC", raising=False)
    native.load.cache_clear()
    path = tmp_path / "twice.c"
    path.write_text(SOURCE)
    yield path
    native.load.cache_clear()


@needs_compiler
def test_a_source_compiles_once_into_kcore_home_and_its_functions_run(source):
    library = native.load(source)
    assert library.twice(21) == 42
    built = native.library_path(source)
    assert built.parent == source.parent / "home" / "native" and built.exists()
    stamp = built.stat().st_mtime_ns
    native.load.cache_clear()
    native.load(source)
    assert built.stat().st_mtime_ns == stamp  # the second load reused the build


@needs_compiler
def test_another_process_loads_the_build_without_compiling_again(source, tmp_path):
    native.load(source)
    broken = tmp_path / "bin"
    broken.mkdir()
    (broken / "cc").write_text("#!/bin/sh\nexit 1\n")
    (broken / "cc").chmod(0o755)
    script = f"from kcore_backend_numpy import native; print(native.load({str(source)!r}).twice(5))"
    env = {**os.environ, "PATH": f"{broken}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "10", result.stderr


def test_an_edited_source_gets_its_own_build(source):
    before = native.library_path(source)
    source.write_text(SOURCE.replace("2 * x", "x + x"))
    assert native.library_path(source) != before


def test_without_a_compiler_load_warns_with_the_fix_and_returns_none(source, monkeypatch):
    monkeypatch.setenv("CC", str(source.parent / "no-such-compiler"))
    with pytest.warns(RuntimeWarning, match=r"no-such-compiler.*C compiler.*KCORE_NATIVE=0"):
        assert native.load(source) is None
    assert not list((source.parent / "home" / "native").glob("*.so"))  # no half-written library left behind


@needs_compiler
def test_a_source_that_does_not_compile_warns_and_leaves_nothing(source):
    source.write_text("this is not C")
    with pytest.warns(RuntimeWarning, match="could not compile twice.c"):
        assert native.load(source) is None
    assert not list((source.parent / "home" / "native").iterdir())


@pytest.mark.parametrize("value", ["0", "false", "off"])
def test_kcore_native_0_turns_compiling_off(source, monkeypatch, value):
    monkeypatch.setenv("KCORE_NATIVE", value)
    assert native.load(source) is None
    assert not (source.parent / "home" / "native").exists()


def test_split_covers_the_range_once_in_order_of_parts(monkeypatch):
    monkeypatch.setattr(native, "threads", lambda: 3)
    seen = []
    native.split(lambda start, stop, tag: seen.append((start, stop, tag)), 10, "x")
    assert sorted(seen) == [(0, 3, "x"), (3, 6, "x"), (6, 10, "x")]
    seen.clear()
    native.split(lambda start, stop: seen.append((start, stop)), 10, minimum=6)
    assert seen == [(0, 10)]  # too few items for a second part


def test_a_forked_child_splits_work_without_waiting_on_the_parents_threads(monkeypatch):
    monkeypatch.setattr(native, "threads", lambda: 2)
    native.split(lambda start, stop: None, 4)  # the parent's pool now exists, with its thread
    pid = os.fork()
    if pid == 0:  # the child: exits 0 only if the split finishes
        done = []
        native.split(lambda start, stop: done.append(stop - start), 4)
        os._exit(0 if sum(done) == 4 else 1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail("the forked child's split never finished")


@needs_compiler
def test_a_compiler_that_refuses_march_native_still_builds_without_it(source, tmp_path, monkeypatch):
    picky = tmp_path / "picky-cc"
    picky.write_text('#!/bin/sh\nfor a in "$@"; do [ "$a" = -march=native ] && exit 1; done\nexec cc "$@"\n')
    picky.chmod(0o755)
    monkeypatch.setenv("CC", str(picky))
    library = native.load(source)
    assert library is not None and library.twice(4) == 8
