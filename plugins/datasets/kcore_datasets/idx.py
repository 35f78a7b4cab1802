"""Reading IDX files, the format of MNIST and Fashion-MNIST (gzip-compressed or not)."""

import gzip

import numpy as np

from kcore.errors import KcoreError

_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(source):
    """The array in an IDX file (gzip-compressed or not): a path, or a binary file object."""
    if hasattr(source, "read"):
        raw, name = source.read(), getattr(source, "name", "the IDX file")
    else:
        with open(source, "rb") as f:
            raw, name = f.read(), source
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _DTYPES:
        raise KcoreError(f"{name} is not an IDX file (its first bytes are {raw[:4]!r}). Delete it so that it is "
                         f"downloaded again.")
    rank = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank))
    dtype = np.dtype(_DTYPES[raw[2]])
    expected = 4 + 4 * rank + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise KcoreError(f"{name} holds {len(raw)} bytes; an IDX file of shape {shape} holds {expected}. It is "
                         f"truncated or corrupt: delete it so that it is downloaded again.")
    return np.frombuffer(bytearray(raw), dtype=dtype, offset=4 + 4 * rank).reshape(shape)  # writable, like np.load
