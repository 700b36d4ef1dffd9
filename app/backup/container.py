"""The encrypted container of a backup: a stream cut into Fernet tokens, in order, to the end.

Layout: ``MAGIC`` (9 bytes, the last one the format version), a random 16-byte archive id,
then frames. A frame is a 4-byte big-endian length and a Fernet token; the token's plaintext
is the archive id, the frame's sequence number (8 bytes), a last-frame flag (1 byte) and up to
``CHUNK`` bytes of data. Fernet authenticates every token, so a changed byte fails; the
sequence number catches frames reordered or dropped, the archive id frames spliced in from
another backup, the last-frame flag a file cut at a frame boundary, and bytes after the last
frame are refused. Only one chunk is in memory at a time, whatever the archive's size.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from app.backup.errors import BackupError
from app.crypto import DecryptionError, Keyring

MAGIC = b"MPBACKUP\x01"
ID_BYTES = 16
CHUNK = 1024 * 1024
# A token of CHUNK bytes is about 1.4 MiB; anything much larger is not ours.
MAX_FRAME = 4 * CHUNK
_LENGTH = struct.Struct(">I")
_PREFIX = struct.Struct(f">{ID_BYTES}sQB")


class EncryptingWriter:
    """A write-only binary stream that encrypts into ``sink``; ``close`` writes the last frame."""

    def __init__(self, sink: BinaryIO, keyring: Keyring) -> None:
        self._sink = sink
        self._keyring = keyring
        self._id = os.urandom(ID_BYTES)
        self._sequence = 0
        self._buffer = bytearray()
        self._closed = False
        sink.write(MAGIC + self._id)

    def write(self, data: bytes) -> int:
        """Buffer data, writing a frame for every full chunk."""
        if self._closed:
            raise ValueError("write to a closed backup stream")
        self._buffer += data
        while len(self._buffer) >= CHUNK:
            self._frame(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        """Write what is left as the last frame (once)."""
        if not self._closed:
            self._frame(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True

    def _frame(self, data: bytes, *, last: bool) -> None:
        token = self._keyring.encrypt(_PREFIX.pack(self._id, self._sequence, int(last)) + data)
        self._sink.write(_LENGTH.pack(len(token)) + token)
        self._sequence += 1


class DecryptingReader:
    """A read-only binary stream of a container's plaintext; raises BackupError on any fault."""

    def __init__(self, source: BinaryIO, keyring: Keyring) -> None:
        self._source = source
        self._keyring = keyring
        head = source.read(len(MAGIC) + ID_BYTES)
        if len(head) < len(MAGIC) + ID_BYTES or not head.startswith(MAGIC[:-1]):
            raise BackupError("not_a_backup", "This file is not a mikroporada backup.")
        if head[: len(MAGIC)] != MAGIC:
            raise BackupError("not_a_backup", "This backup's format version is not supported.")
        self._id = head[len(MAGIC) :]
        self._sequence = 0
        self._buffer = b""
        self._finished = False

    def read(self, size: int = -1) -> bytes:
        """Up to size bytes of plaintext (all that is left with -1); b"" at the end."""
        while not self._finished and (size < 0 or len(self._buffer) < size):
            self._buffer += self._next_frame()
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _next_frame(self) -> bytes:
        raw_length = self._source.read(_LENGTH.size)
        if len(raw_length) < _LENGTH.size:
            raise BackupError("truncated", "The backup is truncated: its last part is missing.")
        (length,) = _LENGTH.unpack(raw_length)
        if length > MAX_FRAME:
            raise BackupError("tampered", "The backup is damaged: a part has an impossible size.")
        token = self._source.read(length)
        if len(token) < length:
            raise BackupError("truncated", "The backup is truncated: its last part is cut short.")
        try:
            plain = self._keyring.decrypt(token)
        except DecryptionError as exc:
            if self._sequence == 0:
                raise BackupError(
                    "wrong_key",
                    "No configured key opens this backup (a wrong key, or its start is damaged).",
                ) from exc
            raise BackupError(
                "tampered", f"The backup is damaged or was altered (part {self._sequence})."
            ) from exc
        archive_id, sequence, last = _PREFIX.unpack_from(plain)
        if archive_id != self._id or sequence != self._sequence:
            raise BackupError(
                "tampered", "The backup's parts are out of order or come from another backup."
            )
        self._sequence += 1
        if last:
            self._finished = True
            if self._source.read(1):
                raise BackupError("tampered", "The backup has unexpected data after its end.")
        return plain[_PREFIX.size :]
