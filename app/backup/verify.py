"""Checking a backup end to end: every byte authentic, every member as listed, the dump whole."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.backup import archive, database
from app.backup.create import scan_dump
from app.backup.errors import BackupError
from app.crypto import Keyring


@dataclass(frozen=True)
class Summary:
    """What a verified backup holds."""

    path: Path
    size: int
    manifest: dict[str, Any]

    @property
    def database(self) -> dict[str, Any]:
        """The manifest's database record (kind, row counts, binlog coordinates)."""
        return self.manifest["database"]

    @property
    def rows(self) -> int:
        """Rows in all tables together."""
        return sum(self.database["row_counts"].values())

    @property
    def storage_bytes(self) -> int:
        """Bytes of stored files (PDFs) in the backup."""
        return sum(
            member["size"]
            for name, member in self.manifest["members"].items()
            if name.startswith(archive.STORAGE)
        )


class _Member:
    """Adapts an archive member to the ``read``/context protocol ``scan_dump`` expects."""

    def __init__(self, member: archive.Member) -> None:
        self._member = member

    def read(self, size: int) -> bytes:
        return self._member.read(size)

    def __enter__(self) -> _Member:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def verify(path: Path, keyring: Keyring) -> Summary:
    """Decrypt and check a whole backup; raise BackupError at the first problem."""
    if not path.is_file():
        raise BackupError("not_a_backup", f"No such file: {path}")
    scans: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="mikroporada-verify-") as work:
        copy = Path(work) / "db.sqlite3"

        def check(member: archive.Member) -> None:
            if member.name == archive.MARIADB_DUMP:
                scans["dump"] = scan_dump(_Member(member))
            elif member.name == archive.SQLITE_DB:
                with copy.open("wb") as target:
                    for chunk in member.chunks():
                        target.write(chunk)

        manifest = archive.read(path, keyring, check)
        record = manifest.get("database") or {}
        if record.get("kind") == database.SQLITE:
            if not copy.exists():
                raise BackupError("dump_incomplete", "The backup holds no SQLite database.")
            result = database.sqlite_integrity(copy)
            if result != "ok":
                raise BackupError(
                    "integrity_failed", f"The database copy fails its integrity check: {result}"
                )
            same_counts(record.get("row_counts", {}), database.sqlite_counts(copy))
        elif record.get("kind") == database.MARIADB:
            scan = scans.get("dump")
            if scan is None or not scan.completed:
                raise BackupError(
                    "dump_incomplete", "The dump is incomplete: no '-- Dump completed' at its end."
                )
            same_counts(record.get("row_counts", {}), scan.counts)
        else:
            raise BackupError("not_a_backup", "The manifest names no known database.")
    return Summary(path, path.stat().st_size, manifest)


def same_counts(expected: dict[str, int], found: dict[str, int]) -> None:
    """Equal row counts, a table with no rows counting as absent (a dump has no line for it)."""
    wanted = {name: rows for name, rows in expected.items() if rows}
    got = {name: rows for name, rows in found.items() if rows}
    if wanted != got:
        tables = sorted(
            name for name in set(wanted) | set(got) if wanted.get(name) != got.get(name)
        )
        raise BackupError(
            "counts_mismatch",
            "Row counts differ from the manifest in: "
            + ", ".join(f"{name} ({wanted.get(name, 0)} vs {got.get(name, 0)})" for name in tables),
        )
