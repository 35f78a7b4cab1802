"""The `.keras` archive: a zip holding `metadata.json`, `config.json` and `model.weights.h5`.

Reading is defensive. Before any member is read, the whole table of contents is checked: every name must stay
inside the archive (no absolute paths, no `..`, no backslashes, no links), no name may appear twice, and the
declared sizes must stay under `LIMITS` (each member's expansion ratio, and the total). A member is then read
into memory, never extracted to disk, and never beyond its declared size. A truncated or corrupt archive raises
CorruptFileError; a hostile one UnsafeFileError.

Writing stores the members uncompressed, as Keras does, through `kcore.fileio.atomic_write`.

Example:
    >>> write_archive("model.keras", {"metadata.json": b"{}", "config.json": b"{}", "model.weights.h5": b""})
    >>> with Archive("model.keras") as archive:
    ...     archive.read("config.json")
    b'{}'
"""

import dataclasses
import stat
import zipfile
import zlib

from kcore.fileio import atomic_write
from kcore.saving.errors import CorruptFileError, MissingFileError, UnsafeFileError

METADATA, CONFIG, WEIGHTS = "metadata.json", "config.json", "model.weights.h5"


@dataclasses.dataclass
class Limits:
    """What a file may declare before kcore refuses to read it (tests and unusual deployments may lower them)."""

    max_total_bytes: int = 32 << 30  # all members (or one .weights.h5 file's datasets) uncompressed
    max_json_bytes: int = 256 << 20  # config.json and metadata.json each
    max_ratio: int = 100  # uncompressed / stored size; Keras stores (1:1), DEFLATE tops out near 1032:1
    ratio_floor: int = 1 << 20  # members smaller than this may compress as well as they like
    max_members: int = 10_000


LIMITS = Limits()

_CORRUPT = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError,
            ValueError, OSError)


def _name_problem(info):
    name = info.filename
    if not name or "\x00" in name or "\\" in name:
        return "a name with a backslash or NUL byte"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if ".." in name.split("/"):
        return "a '..' component that leads outside the archive"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link"
    return None


class Archive:
    """A `.keras` file opened for reading, its table of contents checked (use as a context manager)."""

    def __init__(self, path, limits=None):
        self.path, self.limits = str(path), limits or LIMITS
        try:
            self._zip = zipfile.ZipFile(self.path, "r")
        except FileNotFoundError as e:
            raise MissingFileError(f"No file at {self.path!r} to load from.") from e
        except (PermissionError, IsADirectoryError):
            raise
        except _CORRUPT as e:
            raise CorruptFileError(f"{self.path!r} is not a readable .keras archive (a zip file): "
                                   f"{type(e).__name__}: {e}. It may be truncated or not a .keras file.") from e
        try:
            self._check(self._zip.infolist())
        except BaseException:
            self._zip.close()
            raise

    def _check(self, infos):
        limits = self.limits
        if len(infos) > limits.max_members:
            raise UnsafeFileError(f"{self.path!r} holds {len(infos)} members; a .keras archive holds a handful "
                                  f"(at most {limits.max_members} accepted).")
        seen, total = set(), 0
        for info in infos:
            problem = _name_problem(info)
            if problem:
                raise UnsafeFileError(f"{self.path!r}: the member {info.filename!r} has {problem}. Refusing the "
                                      f"whole archive; a .keras file written by kcore or Keras never does.")
            if info.filename in seen:
                raise UnsafeFileError(f"{self.path!r}: the member name {info.filename!r} appears twice, so which "
                                      f"one is read would be ambiguous. Refusing the archive.")
            seen.add(info.filename)
            if info.flag_bits & 0x1:
                raise CorruptFileError(f"{self.path!r}: the member {info.filename!r} is encrypted; .keras archives "
                                       f"are not.")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
                raise UnsafeFileError(f"{self.path!r}: the member {info.filename!r} declares {info.file_size} bytes "
                                      f"stored in {info.compress_size} (a ratio of {ratio:.0f}:1, limit "
                                      f"{limits.max_ratio}:1): a decompression bomb. Refusing to read it.")
            total += info.file_size
        if total > limits.max_total_bytes:
            raise UnsafeFileError(f"{self.path!r} declares {total} bytes uncompressed, over the limit of "
                                  f"{limits.max_total_bytes} (kcore.saving.archive.LIMITS.max_total_bytes).")

    def names(self):
        return self._zip.namelist()

    def read(self, name, max_bytes=None):
        """The member's bytes; CorruptFileError if it is missing, truncated or fails its checksum."""
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise CorruptFileError(f"{self.path!r} has no {name!r}; a .keras archive holds {METADATA}, {CONFIG} "
                                   f"and {WEIGHTS}. Members found: {self.names()[:10]}.") from None
        if max_bytes is not None and info.file_size > max_bytes:
            raise UnsafeFileError(f"{self.path!r}: {name!r} declares {info.file_size} bytes, over the limit of "
                                  f"{max_bytes} for it.")
        try:
            with self._zip.open(info) as member:
                data = member.read(info.file_size + 1)  # never more than declared (+1 to notice a lie)
        except _CORRUPT as e:
            raise CorruptFileError(f"{self.path!r}: the member {name!r} cannot be read: {type(e).__name__}: {e}. "
                                   f"The file is truncated or corrupt.") from e
        if len(data) != info.file_size:
            raise CorruptFileError(f"{self.path!r}: the member {name!r} holds {len(data)} bytes, not the "
                                   f"{info.file_size} its entry declares. The file is corrupt.")
        return data

    def close(self):
        self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def write_archive(path, members):
    """Write `members` ({name: bytes}, in order) as an uncompressed zip, atomically: a crash leaves the old file."""
    with atomic_write(path, "wb") as f, zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
