"""TensorBoard event files without TensorFlow: TFRecord framing, CRC32C, and the few `Event` protobuf fields
that scalars need, encoded by hand.

A file is a sequence of records, each `uint64 length | uint32 masked_crc32c(length) | data | uint32
masked_crc32c(data)` (little endian). Each record's data is an `Event` protobuf; the first one holds only
`file_version = "brain.Event:2"`, the others a `Summary` with one scalar `Value`.
"""

import math
import os
import socket
import struct
import time


def _crc32c_table():
    poly = 0x82F63B78  # the Castagnoli polynomial 0x1EDC6F41, bit-reversed (the CRC runs least-significant bit first)
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    """CRC-32C (Castagnoli) of `data`, as TFRecord files use it.

    Example:
        >>> hex(crc32c(b"123456789"))
        '0xe3069283'
    """
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """The CRC that TFRecord stores: rotated right by 15 bits plus a constant, so that a CRC of data that itself
    holds CRCs is not degenerate."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(data):
    """One TFRecord: the framed `data`."""
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data))


# Protobuf wire format: a key is the varint (field_number << 3) | wire_type.
def _varint(value):
    value &= 0xFFFFFFFFFFFFFFFF  # negative int64s are written as their 64-bit two's complement
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _key(field, wire_type):
    return _varint(field << 3 | wire_type)


def _bytes_field(field, payload):  # wire type 2: length-delimited (strings, bytes, embedded messages)
    return _key(field, 2) + _varint(len(payload)) + payload


def event(wall_time, step=None, file_version=None, summary=None):
    """An `Event` message: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5."""
    out = _key(1, 1) + struct.pack("<d", wall_time)
    if step is not None:
        out += _key(2, 0) + _varint(int(step))
    if file_version is not None:
        out += _bytes_field(3, file_version.encode())
    if summary is not None:
        out += _bytes_field(5, summary)
    return out


def scalar_summary(tag, value):
    """A `Summary` with one `Value`: tag = 1 (string), simple_value = 2 (float32)."""
    try:
        packed = struct.pack("<f", value)
    except OverflowError:  # finite but beyond float32's range: the infinity float32 rounds it to
        packed = struct.pack("<f", math.copysign(math.inf, value))
    value_message = _bytes_field(1, tag.encode()) + _key(2, 5) + packed
    return _bytes_field(1, value_message)


class EventFileWriter:
    """Writes scalars to a new `events.out.tfevents.<timestamp>.<hostname>` file in `log_dir` (created if
    missing); a file of that name already there is kept, and the new one gets a `.1`, `.2`, ... suffix.

    Example:
        >>> writer = EventFileWriter("logs/train")  # doctest: +SKIP
        >>> writer.add_scalar("epoch_loss", 0.25, step=0); writer.close()  # doctest: +SKIP
    """

    def __init__(self, log_dir):
        os.makedirs(log_dir, exist_ok=True)
        base = os.path.join(log_dir, f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}")
        self.path, count = base, 0
        while True:
            try:
                self._file = open(self.path, "xb")  # noqa: SIM115  (kept open until close())
                break
            except FileExistsError:
                count += 1
                self.path = f"{base}.{count}"
        self._file.write(tfrecord(event(time.time(), file_version="brain.Event:2")))
        self.flush()

    def add_scalar(self, tag, value, step):
        self._file.write(tfrecord(event(time.time(), step=step, summary=scalar_summary(tag, value))))

    def flush(self):
        self._file.flush()

    def close(self):
        if not self._file.closed:
            self._file.close()

    @property
    def closed(self):
        return self._file.closed
