"""`get_file`: download a file once into kcore's cache, checked against its hash, never half-written.

Every dataset loader downloads through here. A download goes to `<name>.part` beside its final place, is
checked, and only then renamed into place, so the cache holds either nothing or the verified file (a process
killed at any moment leaves the previous file, or the new one). A transfer cut off half-way keeps its `.part`;
the next attempt asks the server for the rest (an HTTP Range request) instead of starting again. A `.part` left
by an earlier call (a killed process, an error) is resumed only when a `file_hash` will check the joined file:
the file may have changed at its origin in between, and without a hash nothing would tell. With `extract`, the
folder unpacked from the previous archive is removed before the archive is replaced, and the new folder appears
whole (renamed into place): a kill leaves the old archive and folder, the new ones, or an archive without its
folder, which the next call unpacks. Nothing here imports NumPy.

Example:
    >>> path = get_file("mnist.npz", "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    ...                 file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")
"""

import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile

from kcore import config
from kcore.errors import ChecksumError, ConfigError, DownloadError
from kcore.utils.progbar import Progbar

CHUNK_SIZE = 1 << 16
TIMEOUT = 60  # seconds without a byte before a connection counts as dead
ATTEMPTS = 3  # tries per call when a transfer is cut off; each one resumes where the last stopped


class _CutOff(Exception):
    def __init__(self, received, total):
        super().__init__(received, total)
        self.received, self.total = received, total


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Download `origin` into `<cache_dir>/<cache_subdir>/<fname>` unless a verified copy is there; return its
    path (with `extract=True`, the path of the folder the archive was unpacked into).

    Args (Keras 3's):
        fname: the local file name (default: the last part of the URL). With `extract`, a name without a dot
            is also the name of the extraction folder.
        origin: the URL.
        file_hash: the expected sha256 (64 hex digits) or md5 (32) of the file; checked after download and on
            every cache hit, so a corrupt or replaced file is never used.
        cache_subdir: the sub-folder of the cache (an absolute path is used as it is).
        hash_algorithm: "auto" (from the hash's length), "sha256" or "md5".
        extract: unpack a tar or zip archive (`archive_format`: "auto", "tar", "zip" or None).
        cache_dir: the cache folder; default `$KCORE_HOME` (`~/.kcore`).
        force_download: download again even when the cached file is fine.
        untar, md5_hash: Keras's deprecated spellings of `extract` (tar only) and `file_hash` (md5).

    Raises:
        DownloadError: offline, refused, HTTP error, or cut off more than `ATTEMPTS` times; the message names the
            URL and where to put the file by hand.
        ChecksumError: the downloaded file does not match `file_hash` (nothing is cached).
    """
    if not origin:
        raise ConfigError("get_file: `origin` (the URL of the file) is required. Received: origin=None")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = _algorithm(hash_algorithm, file_hash)
    provided = bool(fname)
    fname = os.fspath(fname) if provided else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ConfigError(f"get_file: cannot take a file name from the URL {origin!r}; pass `fname`.")
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ConfigError(f"get_file: `fname` must be a file name, not a path. Received: fname={fname!r}. Give "
                          f"the folder with `cache_dir` (or an absolute `cache_subdir`).")
    folder = _cache_folder(cache_dir, cache_subdir)
    target, extraction_dir = _targets(folder, fname, provided, extract or untar)

    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not validate_file(target, file_hash, algorithm):
        print(f"The cached file {target} does not match its {algorithm} hash {file_hash} (incomplete or "
              f"outdated); downloading it again.")
        download = True
    if download:
        if extract or untar:  # before the archive changes: a folder unpacked from the old one must not outlive it
            _remove_folder(extraction_dir)
        _download(origin, target, file_hash, algorithm)
    if extract or untar:
        if download or not os.path.isdir(extraction_dir):
            extract_archive(target, extraction_dir, "tar" if untar else archive_format)
        return extraction_dir
    return target


def _algorithm(hash_algorithm, file_hash):
    if hash_algorithm not in ("auto", "sha256", "md5"):
        raise ConfigError(f"get_file: `hash_algorithm` must be 'auto', 'sha256' or 'md5'. "
                          f"Received: {hash_algorithm!r}")
    if file_hash is None or hash_algorithm != "auto":
        return "sha256" if hash_algorithm == "auto" else hash_algorithm
    if len(file_hash) == 64:
        return "sha256"
    if len(file_hash) == 32:
        return "md5"
    raise ConfigError(f"get_file: `file_hash` must be a sha256 (64 hex digits) or md5 (32 hex digits) hash. "
                      f"Received: {file_hash!r} ({len(file_hash)} characters)")


def _cache_folder(cache_dir, cache_subdir):
    base = os.path.expanduser(cache_dir or config.home())
    for root in (base, os.path.join(tempfile.gettempdir(), ".kcore")):  # Keras's fallback for a read-only home
        folder = os.path.join(root, cache_subdir)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    raise DownloadError(f"get_file: neither {os.path.join(base, cache_subdir)} nor a temporary folder is "
                        f"writable. Set KCORE_HOME to a writable folder or pass cache_dir=.")


def _targets(folder, fname, provided, extract):
    """(where the download goes, where it is unpacked) as Keras 3 names them."""
    if not extract:
        return os.path.join(folder, fname), None
    if provided and "." in fname:
        return os.path.join(folder, fname), os.path.join(folder, f"{fname[:fname.find('.')]}_extracted")
    return os.path.join(folder, f"{fname}_archive"), os.path.join(folder, fname)


def _download(origin, target, file_hash, algorithm):
    partial = target + ".part"
    hint = _by_hand(target, file_hash, algorithm)
    if file_hash is None and os.path.exists(partial):
        os.remove(partial)  # an earlier call's bytes, perhaps of another version: nothing could check the join
    print(f"Downloading data from {origin}")
    while True:
        resumed = _transfer(origin, partial, hint)
        actual = hash_file(partial, algorithm) if file_hash is not None else None
        if actual == (file_hash and file_hash.lower()):
            os.replace(partial, target)
            return
        os.remove(partial)  # a whole, wrong file: resuming it would only stay wrong
        if not resumed:
            raise ChecksumError(f"The file downloaded from {origin} does not match its expected {algorithm} hash "
                                f"{file_hash} (its hash is {actual}): it is corrupt, or it changed at the source. "
                                f"Nothing was cached; call again to retry.{hint}")
        print("The resumed download does not match its hash (the part kept from before was stale); downloading "
              "it whole.")


def _transfer(origin, partial, hint):
    """Fetch `origin` into `partial` in up to ATTEMPTS connections; return whether it began from bytes kept
    by an earlier call."""
    resumed = os.path.exists(partial) and os.path.getsize(partial) > 0
    for attempt in range(1, ATTEMPTS + 1):
        try:
            _fetch(origin, partial, hint)
            return resumed
        except _CutOff as cut:
            if attempt == ATTEMPTS:
                raise DownloadError(
                    f"The download of {origin} was cut off {ATTEMPTS} times (last after {cut.received:,} of "
                    f"{_size(cut.total)}). The bytes received are kept in {partial}, and calling again resumes "
                    f"from there.{hint}") from None
            print(f"The transfer stopped after {cut.received:,} of {_size(cut.total)}; resuming.")
    return resumed


def _fetch(origin, partial, hint):
    """Fetch `origin` into `partial`, resuming from what is already there. Raises _CutOff when the connection
    ends before the announced length."""
    start = os.path.getsize(partial) if os.path.exists(partial) else 0
    request = urllib.request.Request(origin, headers={"User-Agent": "kcore"})
    if start:
        request.add_header("Range", f"bytes={start}-")
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT)
    except urllib.error.HTTPError as e:
        if e.code == 416 and start:  # what we hold is not a prefix of this file: start again
            os.remove(partial)
            raise _CutOff(0, None) from None
        raise DownloadError(f"Could not download {origin}: HTTP {e.code} {e.reason}.{hint}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
        reason = getattr(e, "reason", e)
        raise DownloadError(f"Could not download {origin}: {reason}.{hint}") from None
    with response:
        resumed = start and response.status == 206 and \
            response.headers.get("Content-Range", "").startswith(f"bytes {start}-")
        start = start if resumed else 0
        length = response.headers.get("Content-Length")
        total = start + int(length) if length and length.isdigit() else None
        received, bar = start, Progbar(total, unit_name="byte")
        with open(partial, "ab" if resumed else "wb") as f:
            while True:
                try:
                    chunk = response.read(CHUNK_SIZE)
                except (http.client.HTTPException, OSError):
                    chunk = b""
                if not chunk:
                    break
                f.write(chunk)
                received += len(chunk)
                bar.update(received)
            f.flush()
            os.fsync(f.fileno())
    if total is not None and received < total:
        raise _CutOff(received, total)
    bar.update(received, finalize=True)


def _size(total):
    return f"{total:,} bytes" if total is not None else "an unknown number of bytes"


def _by_hand(target, file_hash=None, algorithm=None):
    check = f" (its {algorithm} hash must be {file_hash})" if file_hash else ""
    return (f" Without a network, download the file elsewhere and put it at {target}{check}; kcore then uses it "
            f"as it is.")


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """The sha256 (or md5) hex digest of the file at `fpath`."""
    hasher = hashlib.md5() if algorithm == "md5" else hashlib.sha256()
    with open(fpath, "rb") as f:
        for block in iter(lambda: f.read(chunk_size), b""):
            hasher.update(block)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file at `fpath` has the hash `file_hash` (sha256 or md5, told apart by length for "auto")."""
    return hash_file(fpath, _algorithm(algorithm, file_hash), chunk_size) == str(file_hash).lower()


def extract_archive(file_path, path=".", archive_format="auto"):
    """Unpack a tar (.tar, .tar.gz, .tar.bz2) or zip archive into the folder `path`, all at once: it is unpacked
    into a temporary folder beside `path` and renamed (a folder already at `path` is first renamed aside, then
    removed), so `path` never holds half an archive, nor half of two. Members that would land outside `path` are
    refused.
    Returns True when the archive matched one of the formats."""
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format or []))
    unknown = set(formats) - {"tar", "zip"}
    if unknown:
        raise ConfigError(f"extract_archive: `archive_format` must be 'auto', 'tar', 'zip' or None. "
                          f"Received: {archive_format!r}")
    path = os.path.abspath(path)
    for fmt in formats:
        if (tarfile.is_tarfile if fmt == "tar" else zipfile.is_zipfile)(file_path):
            break
    else:
        warnings.warn(f"Could not extract {file_path}: it is not a {' or '.join(formats) or 'known'} archive.",
                      stacklevel=2)
        return False
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        if fmt == "tar":
            with tarfile.open(file_path) as archive:
                if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4: refuses links and paths leaving tmp
                    archive.extractall(tmp, filter="data")
                else:
                    _check_members(tmp, [m.name for m in archive.getmembers()], file_path)
                    archive.extractall(tmp)
        else:
            with zipfile.ZipFile(file_path) as archive:
                _check_members(tmp, archive.namelist(), file_path)
                archive.extractall(tmp)
        _remove_folder(path)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return True


def _remove_folder(path):
    """Remove the folder `path` (if there) so that a kill at any moment leaves it whole or gone, never half
    removed: it is renamed aside into a hidden folder first, and removed from there."""
    if not os.path.isdir(path):
        return
    aside = tempfile.mkdtemp(dir=os.path.dirname(path), prefix=f".{os.path.basename(path)}.", suffix=".old")
    os.replace(path, os.path.join(aside, "folder"))
    shutil.rmtree(aside, ignore_errors=True)


def _check_members(folder, names, archive):
    root = os.path.realpath(folder)
    for name in names:
        if os.path.commonpath([root, os.path.realpath(os.path.join(root, name))]) != root:
            raise DownloadError(f"The archive {archive} holds the member {name!r}, which would be written outside "
                                f"{folder}. It was not extracted.")
