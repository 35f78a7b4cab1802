"""kcore_backend_numpy.team: one set of threads for OpenBLAS's parallel products and kcore's own C loops."""

import ctypes
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
from kcore_backend_numpy import team

pytestmark = pytest.mark.skipif(team.team() is None,
                                reason="NumPy's BLAS is not an OpenBLAS that kcore's thread team can run")

TASK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_int)


def _run(task, members):
    library = team.team().library
    library.kc_run.argtypes = [TASK, ctypes.c_void_p, ctypes.c_int]
    library.kc_run(task, None, members)


def test_products_run_by_the_team_are_those_of_the_definition():
    rng = np.random.default_rng(0)
    for dtype, (m, k, n) in [("float32", (300, 400, 500)), ("float64", (257, 129, 511)), ("float32", (32, 256, 1024))]:
        a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
        exact = np.einsum("ik,kj->ij", a.astype("float64"), b.astype("float64"))
        np.testing.assert_allclose(a @ b, exact, rtol=1e-4 if dtype == "float32" else 1e-10, atol=1e-3)


def test_a_run_calls_every_member_once_each_on_its_own_thread():
    seen = []
    task = TASK(lambda context, member, members: seen.append((member, members, threading.get_ident())))
    _run(task, 3)
    assert sorted(member for member, _, _ in seen) == list(range(len(seen)))
    assert {members for _, members, _ in seen} == {len(seen)} and 1 <= len(seen) <= 3
    assert len({thread for _, _, thread in seen}) == len(seen)
    assert [member for member, _, thread in seen if thread == threading.get_ident()] == [0]


def test_a_run_of_one_member_runs_on_the_calling_thread():
    seen = []
    _run(TASK(lambda context, member, members: seen.append((member, members, threading.get_ident()))), 1)
    assert seen == [(0, 1, threading.get_ident())]


def test_threads_of_the_program_may_multiply_at_once():
    rng = np.random.default_rng(1)
    pairs = [(rng.standard_normal((200, 300), "float32"), rng.standard_normal((300, 200), "float32"))
             for _ in range(4)]
    expected = [a.astype("float64") @ b.astype("float64") for a, b in pairs]
    results = [None] * len(pairs)

    def work(i):
        for _ in range(20):
            results[i] = pairs[i][0] @ pairs[i][1]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(pairs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result, exact in zip(results, expected, strict=True):
        np.testing.assert_allclose(result, exact, rtol=1e-4, atol=1e-3)


@pytest.mark.skipif(sys.platform == "win32", reason="fork")
def test_a_forked_child_still_multiplies_in_parallel():
    script = textwrap.dedent("""
        import os, numpy as np
        from kcore_backend_numpy import team
        team.team()
        a = np.ones((400, 400), "float32")
        a @ a
        pid = os.fork()
        if pid == 0:
            os._exit(0 if float((a @ a)[0, 0]) == 400.0 else 1)
        _, status = os.waitpid(pid, 0)
        raise SystemExit(os.waitstatus_to_exitcode(status))
    """)
    done = subprocess.run([sys.executable, "-c", script], timeout=60, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
