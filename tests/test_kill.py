"""Crashes lose nothing: a forked child is SIGKILLed at random points while it saves a model, while ModelCheckpoint
or BackupAndRestore writes a checkpoint during `fit`, and while `get_file` downloads a file (or an archive it
unpacks), ITERATIONS times for each. After every kill the file on disk is loaded and compared: it is the last whole
version written before the kill or the one being written when it came, never a mix, a stale older one, or a file
that does not load.

The child reports on a pipe each time it begins a write (with the value or digest it writes), so the parent knows
which versions may be on disk. Kill points are random: the parent waits for 1 to 3 reports, then sleeps a random
time of up to 1.5 writes (measured on this machine, now, not assumed) and kills. The sleeps are the point.

Budget: ITERATIONS kills per test (30 in CI: 6 tests, 180 kills, under 30 s on a busy 2-core machine, most of it
waiting; KCORE_KILL_ITERATIONS=300 for a long run). KCORE_KILL_SEED fixes the generator of the kill points (the
scheduler still moves where they land); the seed of a run is in every failure message.
"""

import hashlib
import inspect
import json
import os
import pathlib
import random
import select
import signal
import subprocess
import sys
import time
import traceback

import numpy as np
import pytest

import kcore
from kcore import layers
from kcore.callbacks import Callback
from kcore.saving import load_model

ITERATIONS = int(os.environ.get("KCORE_KILL_ITERATIONS", "30"))
SEED = int(os.environ.get("KCORE_KILL_SEED", random.SystemRandom().randrange(2**32)))
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="kills forked child processes (POSIX)")


# -- the harness ----------------------------------------------------------------------------------------------


class Child:
    """A forked child that runs `work(report)` until it is killed; `report(text)` sends one line to the parent."""

    def __init__(self, work):
        self.read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child never returns into pytest
            try:
                os.close(self.read_end)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)  # progress bars and messages go nowhere
                work(lambda text: os.write(write_end, f"{text}\n".encode()))
                os.write(write_end, b"returned\n")
            except BaseException:
                os.write(write_end, f"error {traceback.format_exc()!r}\n".encode())
            finally:
                os._exit(1)
        os.close(write_end)
        self.buffer, self.lines, self.reaped = b"", [], False

    def _read(self, timeout):
        if not select.select([self.read_end], [], [], timeout)[0]:
            return False
        chunk = os.read(self.read_end, 1 << 16)
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        self.lines += [line.decode() for line in lines]
        return bool(chunk)

    def wait_for(self, count, timeout=120):
        """Block until the child has reported `count` lines (or has died or stopped reporting)."""
        deadline = time.monotonic() + timeout
        while len(self.lines) < count and self._read(max(0.0, deadline - time.monotonic())):
            pass
        self._check()
        assert len(self.lines) >= count, f"the child stopped reporting after {self.lines[-3:]} (seed {SEED})"

    def kill(self):
        """SIGKILL the child; return every line it reported."""
        os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        self.reaped = True
        while self._read(60):  # what it wrote before it died
            pass
        os.close(self.read_end)
        self._check()
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (status, self.lines[-3:])
        return self.lines

    def _check(self):
        failed = [line for line in self.lines if line.startswith(("error ", "returned"))]
        if failed and not self.reaped:
            os.waitpid(self.pid, 0)  # it is exiting: reap it
            self.reaped = True
        assert not failed, f"the child ended on its own: {failed[0][:3000]}"


def _kill_at_random(work, rng, duration):
    """Run `work` in a child, kill it at a random point, return its reports (after the first, "started")."""
    child = Child(work)
    child.wait_for(1 + rng.randint(1, 3))
    time.sleep(rng.uniform(0, 1.5 * duration))
    return child.kill()[1:]


def _duration(write, repeats=3):
    """How long one `write()` takes here, now (the machine may be busy): the span the kill points are drawn from."""
    start = time.perf_counter()
    for _ in range(repeats):
        write()
    return (time.perf_counter() - start) / repeats


def _may_be_on_disk(before, began):
    """The versions a write killed at any point may leave: the one whose write began last, or the one before it
    (the last whole write) -- which is what was on disk before the child started if it began only one."""
    return {before, *began[-1:]} if len(began) < 2 else set(began[-2:])


def _digest(model):
    """A fingerprint of every weight and optimizer variable of `model`."""
    variables = list(model.weights)
    if getattr(model, "optimizer", None) is not None:
        variables += list(model.optimizer.variables)
    h = hashlib.sha256()
    for v in variables:
        h.update(np.ascontiguousarray(v.numpy()).tobytes())
    return h.hexdigest()[:20]


# -- saving a model ---------------------------------------------------------------------------------------------


def _big_model():
    return kcore.Sequential([layers.Input(shape=(500,)), layers.Dense(250), layers.Dense(10)])  # 0.5 MB of weights


def _set_all(model, value):
    model.set_weights([np.full(w.shape, value, "float32") for w in model.get_weights()])


def _value_on_disk(path):
    """The one value every weight of the file at `path` holds (it fails if the file mixes two saves)."""
    if path.endswith(".keras"):
        weights = load_model(path, compile=False).get_weights()
    else:
        model = _big_model()
        model.load_weights(path)
        weights = model.get_weights()
    value = float(weights[0].flat[0])
    assert all(np.all(w == value) for w in weights), f"{path} mixes two saves (seed {SEED})"
    return value


@pytest.mark.parametrize("suffix", [".keras", ".weights.h5"])
def test_a_model_save_killed_at_random_points_leaves_the_previous_or_the_new_file(tmp_path, suffix):
    path, rng = str(tmp_path / f"model{suffix}"), random.Random(SEED)
    model = _big_model()
    save = model.save if suffix == ".keras" else model.save_weights
    duration = _duration(lambda: save(path))
    _set_all(model, 0.0)
    save(path)
    on_disk = 0.0
    for trial in range(ITERATIONS):
        def work(report, first=1000.0 * (trial + 1)):
            report("started")
            version = first
            while True:
                _set_all(model, version)
                report(version)
                save(path)
                version += 1.0

        began = [float(v) for v in _kill_at_random(work, rng, duration)]
        value = _value_on_disk(path)
        assert value in _may_be_on_disk(on_disk, began), (trial, began[-2:], value, SEED)
        on_disk = value
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".tmp")) == [f"model{suffix}"]


# -- checkpoints during fit ------------------------------------------------------------------------------------

X = np.random.default_rng(0).random((32, 8), dtype="float32")
Y = X[:, :1] - X[:, 1:2]


def _trainable(seed):
    kcore.utils.set_random_seed(seed)
    model = kcore.Sequential([layers.Input(shape=(8,)), layers.Dense(64, activation="relu"), layers.Dense(1)])
    model.compile(optimizer=kcore.optimizers.Adam(0.01), loss="mse")
    return model


class Reporter(Callback):
    """Reports the digest of the model at each batch or epoch end; listed before the checkpoint callback, so each
    report comes just before that state's save begins."""

    def __init__(self, report, at):
        super().__init__()
        self.report, self.at, self.started = report, at, False

    def on_train_batch_end(self, batch, logs=None):
        if self.at == "batch":
            self.report(_digest(self.model))

    def on_epoch_begin(self, epoch, logs=None):
        if self.at == "epoch" and not self.started:  # after BackupAndRestore has restored
            self.started = True
            self.report(f"started {epoch}")

    def on_epoch_end(self, epoch, logs=None):
        if self.at == "epoch":
            self.report(f"{epoch + 1} {_digest(self.model)}")


def _checkpoint_on_disk(path):
    if path.endswith(".keras"):
        return _digest(load_model(path))
    model = _trainable(0)
    model.load_weights(path)
    return _digest(model)


def test_model_checkpoint_killed_at_random_points_leaves_the_previous_or_the_new_checkpoint(tmp_path):
    """Every batch is checkpointed; odd trials save the whole model (.keras), even ones the weights only. Each
    trial trains from other initial weights, so no two trials write the same state."""
    from kcore_callbacks import ModelCheckpoint

    rng = random.Random(SEED)
    paths = {suffix: str(tmp_path / f"checkpoint{suffix}") for suffix in (".keras", ".weights.h5")}
    model = _trainable(0)

    def step():
        model.train_on_batch(X[:8], Y[:8])
        model.save(paths[".keras"])

    duration = _duration(step)
    model.save_weights(paths[".weights.h5"])
    on_disk = {suffix: _digest(model) for suffix in paths}  # what is on disk before the first trial
    for trial in range(ITERATIONS):
        suffix = ".keras" if trial % 2 else ".weights.h5"

        def work(report, trial=trial, suffix=suffix):
            report("started")
            checkpoint = ModelCheckpoint(paths[suffix], save_weights_only=suffix != ".keras", save_freq=1)
            _trainable(trial + 1).fit(X, Y, epochs=10**6, batch_size=8, shuffle=False, verbose=0,
                                      callbacks=[Reporter(report, "batch"), checkpoint])

        began = _kill_at_random(work, rng, duration)
        digest = _checkpoint_on_disk(paths[suffix])
        assert digest in _may_be_on_disk(on_disk[suffix], began), (trial, suffix, len(began), SEED)
        on_disk[suffix] = digest


def test_backup_and_restore_killed_at_random_points_always_restores_a_whole_epoch_and_resumes_exactly(tmp_path):
    """Each trial resumes from the backup the killed trial before it left, and is killed again. After every
    kill the backup restores the weights and optimizer state of the epoch its metadata names, as reported when
    that epoch ended; and every epoch trained again after a resume ends with the same state (bit for bit) as
    the first time, and as an uninterrupted run."""
    from kcore_callbacks import BackupAndRestore

    rng, backup = random.Random(SEED), tmp_path / "backup"
    model = _trainable(0)
    duration = _duration(lambda: model.fit(X, Y, epochs=1, batch_size=8, shuffle=False, verbose=0,
                                           callbacks=[BackupAndRestore(tmp_path / "timing")]))
    epochs = {}  # epoch -> digest of the state at its end, as the children reported it
    committed = 0
    for trial in range(ITERATIONS):
        def work(report):
            _trainable(0).fit(X, Y, epochs=10**6, batch_size=8, shuffle=False, verbose=0,
                              callbacks=[Reporter(report, "epoch"), BackupAndRestore(backup)])

        child = Child(work)
        child.wait_for(1 + rng.randint(0, 3))
        time.sleep(rng.uniform(0, 1.5 * duration))
        started, *ended = child.kill()
        assert started == f"started {committed}", (trial, started, committed, SEED)  # resumed at the backup
        began = []
        for line in ended:
            epoch, digest = line.split()
            assert epochs.setdefault(int(epoch), digest) == digest, (f"epoch {epoch} ended in another state "
                                                                     f"after a resume", trial, SEED)
            began.append(int(epoch))
        metadata = backup / "training_metadata.json"
        restored = json.loads(metadata.read_text())["epoch"] if metadata.exists() else 0
        assert restored in _may_be_on_disk(committed, began), (trial, committed, began, restored, SEED)
        if restored:
            resumed = _trainable(7)  # other initial weights: all must come from the backup
            callback = BackupAndRestore(backup)
            callback.set_model(resumed)
            callback.on_train_begin()
            assert _digest(resumed) == epochs[restored], (trial, restored, SEED)
        committed = restored
    assert committed > 0, f"no epoch was ever backed up (seed {SEED})"
    uninterrupted = _trainable(0)
    reports = []
    uninterrupted.fit(X, Y, epochs=max(epochs), batch_size=8, shuffle=False, verbose=0,
                      callbacks=[Reporter(reports.append, "epoch")])
    assert dict(line.split() for line in reports[1:]) == {str(e): d for e, d in epochs.items()}


# -- downloads -----------------------------------------------------------------------------------------------

FILES = 60  # members of each version of the served archive


def _body(name):
    """What the server sends for `/v<n>/<file>`: version n of `data.bin` (256 KiB of random bytes), or of
    `data.tar` (an archive of FILES small text files, each saying its version). Also the server's own code."""
    import io
    import random
    import tarfile

    version = int(name.split("/")[1][1:])
    if not name.endswith(".tar"):
        return random.Random(version).randbytes(1 << 18)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for i in range(FILES):
            data = f"version {version}\n".encode() * 50
            member = tarfile.TarInfo(f"file_{i:03d}.txt")
            member.size, member.mtime = len(data), 0
            tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


#: A throttled HTTP server in its own process (a server thread in this process would be copied, mid-lock, into
#: every forked child): GET /v<n>/<file> sends _body's bytes in 16 KiB chunks a few milliseconds apart, and
#: honours Range requests as real servers do.
SERVER = r"""
import http.server, sys, time

PAUSE = float(sys.argv[1])


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = _body(self.path)
        start = 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].removeprefix("bytes=").split("-")[0])
            if start >= len(body):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        try:
            for i in range(start, len(body), 1 << 14):
                self.wfile.write(body[i:i + (1 << 14)])
                time.sleep(PAUSE)
        except (BrokenPipeError, ConnectionResetError):  # the client was killed
            pass

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


@pytest.fixture(scope="module")
def server():
    source = f"FILES = {FILES}\n" + inspect.getsource(_body) + SERVER
    process = subprocess.Popen([sys.executable, "-c", source, "0.002"], stdout=subprocess.PIPE, text=True)
    try:
        yield f"http://127.0.0.1:{int(process.stdout.readline())}"
    finally:
        process.kill()
        process.wait()


def _check_download(folder, fname, versions):
    """The version (of `versions`) the cached file is; with an archive, its folder is whole and of that version
    too, or absent (the next call unpacks it)."""
    data = (folder / fname).read_bytes()
    matches = [n for n in versions if _body(f"/v{n}/{fname}") == data]
    assert matches, f"the cached {fname} is none of the versions {versions} (seed {SEED})"
    unpacked = folder / "data_extracted"
    if fname.endswith(".tar") and unpacked.exists():
        names = sorted(os.listdir(unpacked))
        assert names == [f"file_{i:03d}.txt" for i in range(FILES)], f"half a folder: {len(names)} files ({SEED})"
        found = {(unpacked / name).read_text() for name in names}
        assert found == {f"version {matches[0]}\n" * 50}, (f"the folder is not the archive's version "
                                                           f"{matches[0]}: {sorted(found)[:2]}", SEED)
    return matches[0]


@pytest.mark.parametrize("fname", ["data.bin", "data.tar"], ids=["file", "archive-extracted"])
def test_a_download_killed_at_random_points_leaves_the_previous_file_or_the_new_one(tmp_path, server, monkeypatch,
                                                                                    fname):
    """Each trial downloads a new version over the one in the cache (and unpacks it, for an archive); even trials
    with its hash (a partial download left by a killed trial is resumed, and checked), odd ones without (a
    download starts over, since nothing could check a resumed one). The last call resumes whatever the kills
    left and must end with the right file."""
    from kcore.utils import file_utils

    monkeypatch.setattr(file_utils, "TIMEOUT", 30)
    rng, cache = random.Random(SEED), tmp_path / "cache"

    def download(n, hashed):
        return kcore.utils.get_file(fname, f"{server}/v{n}/{fname}", cache_dir=cache, extract=fname.endswith(".tar"),
                                    file_hash=hashlib.sha256(_body(f"/v{n}/{fname}")).hexdigest() if hashed else None,
                                    force_download=not hashed)

    duration = _duration(lambda: download(0, hashed=False), repeats=1)
    on_disk = 0
    for trial in range(1, ITERATIONS + 1):
        def work(report, trial=trial):
            report("started")
            report(trial)
            download(trial, hashed=trial % 2 == 0)
            report("downloaded")  # and wait for the kill: one may come after the download
            while True:
                signal.pause()

        child = Child(work)
        child.wait_for(2)
        time.sleep(rng.uniform(0, 1.2 * duration))
        child.kill()
        on_disk = _check_download(cache / "datasets", fname, [on_disk, trial])
    last = ITERATIONS + 1
    path = download(last, hashed=True)
    assert _check_download(cache / "datasets", fname, [last]) == last
    assert os.path.isdir(path) if fname.endswith(".tar") else pathlib.Path(path).read_bytes() == _body(f"/v{last}/x")
    kept = sorted(name for name in os.listdir(cache / "datasets") if not name.startswith("."))  # killed unpacking
    assert kept == ([fname, "data_extracted"] if fname.endswith(".tar") else [fname])  # leaves hidden folders
