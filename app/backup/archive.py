"""A backup's content: a tar stream of named members, inside the encrypted container.

The members are written one after the other, each hashed on the way in; ``manifest.json``
comes last and lists every member's size and SHA-256, so one streaming pass can check all of
them. Nothing is ever extracted by tarfile itself: readers get each member's bytes and decide
where (if anywhere) they go.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from app.backup.container import CHUNK, DecryptingReader, EncryptingWriter
from app.backup.errors import BackupError
from app.crypto import Keyring

FORMAT = 1
MANIFEST = "manifest.json"
SETTINGS = "config/settings.json"
MARIADB_DUMP = "database/mariadb.sql"
SQLITE_DB = "database/sqlite3.db"
STORAGE = "storage/"
INSTANCE = "config/instance/"


class Member:
    """One member's bytes as they are read, hashed and counted."""

    def __init__(self, name: str, stream: IO[bytes]) -> None:
        self.name = name
        self._stream = stream
        self._digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = CHUNK) -> bytes:
        """The next bytes (b"" at the end)."""
        data = self._stream.read(size)
        self._digest.update(data)
        self.size += len(data)
        return data

    def chunks(self) -> Iterator[bytes]:
        """The rest of the member, chunk by chunk."""
        while data := self.read():
            yield data

    def drain(self) -> None:
        """Read what the handler left, so the hash covers the whole member."""
        for _ in self.chunks():
            pass

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of what has been read."""
        return self._digest.hexdigest()


class ArchiveWriter:
    """Writes members into an encrypted container; ``finish`` adds the manifest and closes."""

    def __init__(self, sink: BinaryIO, keyring: Keyring) -> None:
        self._container = EncryptingWriter(sink, keyring)
        # Open across add_* calls; finish() closes it.
        self._tar = tarfile.open(  # noqa: SIM115
            fileobj=self._container,  # type: ignore[arg-type]
            mode="w|",
            format=tarfile.PAX_FORMAT,
        )
        self.members: dict[str, dict[str, Any]] = {}

    def add_file(self, name: str, path: Path) -> None:
        """Add a file as it is on disk now (opened once, so a rename meanwhile is harmless)."""
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            self._add(name, handle, size)

    def add_bytes(self, name: str, data: bytes) -> None:
        """Add a member from memory (settings, small files)."""
        self._add(name, io.BytesIO(data), len(data))

    def _add(self, name: str, handle: IO[bytes], size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(time.time())
        member = Member(name, handle)
        self._tar.addfile(info, member)  # type: ignore[arg-type]
        self.members[name] = {"size": member.size, "sha256": member.sha256}

    def finish(self, manifest: dict[str, Any]) -> None:
        """Write the manifest (with every member's size and hash) and close the container."""
        body = {**manifest, "format": FORMAT, "members": self.members}
        data = json.dumps(body, indent=2, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mode = 0o600
        info.mtime = int(time.time())
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()
        self._container.close()


def read(path: Path, keyring: Keyring, handle: Callable[[Member], None]) -> dict[str, Any]:
    """Stream every member of a backup through ``handle``; return its checked manifest.

    Raises BackupError when the file is not ours, no key opens it, it is truncated or
    altered, or a member differs from the manifest in any way.
    """
    seen: dict[str, dict[str, Any]] = {}
    manifest: dict[str, Any] | None = None
    with path.open("rb") as source:
        reader = DecryptingReader(source, keyring)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for info in tar:
                    if manifest is not None or not info.isfile() or info.name in seen:
                        raise BackupError(
                            "tampered", f"Unexpected member in the backup: {info.name}"
                        )
                    stream = tar.extractfile(info)
                    if stream is None:  # never for a regular file
                        raise BackupError("tampered", f"Unreadable member: {info.name}")
                    member = Member(info.name, stream)
                    if info.name == MANIFEST:
                        manifest = _parse_manifest(b"".join(member.chunks()))
                        continue
                    handle(member)
                    member.drain()
                    seen[info.name] = {"size": member.size, "sha256": member.sha256}
        except tarfile.TarError as exc:
            raise BackupError("tampered", "The backup's content is not a valid archive.") from exc
        # Read to the container's end, so its last frame (and nothing after it) is checked too.
        while reader.read(CHUNK):
            pass
    if manifest is None:
        raise BackupError("tampered", "The backup has no manifest.")
    _compare(manifest["members"], seen)
    return manifest


def _parse_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise BackupError("tampered", "The backup's manifest is not valid JSON.") from exc
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("members"), dict)
    ):
        raise BackupError("not_a_backup", "The backup's manifest has an unknown format.")
    return manifest


def _compare(listed: dict[str, dict[str, Any]], seen: dict[str, dict[str, Any]]) -> None:
    missing = sorted(set(listed) - set(seen))
    extra = sorted(set(seen) - set(listed))
    changed = sorted(name for name in set(listed) & set(seen) if listed[name] != seen[name])
    problems = [
        *(f"missing: {name}" for name in missing),
        *(f"not in the manifest: {name}" for name in extra),
        *(f"size or SHA-256 differs: {name}" for name in changed),
    ]
    if problems:
        raise BackupError(
            "manifest_mismatch",
            "The backup does not match its manifest: " + "; ".join(problems[:5]),
        )
