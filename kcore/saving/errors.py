"""The errors of saving and loading, in kcore's hierarchy (each also the built-in it refines)."""

from kcore.errors import KcoreError


class CorruptFileError(KcoreError, ValueError):
    """A file that is not a readable `.keras` archive or `.weights.h5` file: truncated, corrupt, another format."""


class UnsafeFileError(KcoreError, ValueError):
    """A file that holds something kcore refuses to load: code, links to other files, names that escape the
    archive, sizes that would exhaust memory."""


class MissingFileError(KcoreError, FileNotFoundError):
    """A path to load from that does not exist."""


class TargetExistsError(KcoreError, FileExistsError):
    """A save to a path that exists, with overwrite=False."""
