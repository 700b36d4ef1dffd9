"""Restoring a verified backup into an empty database and storage folder."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from app.backup import archive, database, mariadb
from app.backup.errors import BackupError
from app.backup.settings import Source, differences
from app.backup.verify import Summary, same_counts, verify
from app.crypto import Keyring
from app.services import storage


@dataclass
class Restored:
    """What a restore did and what the operator should look at."""

    summary: Summary
    files: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)
    instance: list[str] = field(default_factory=list)


def occupied(source: Source, engine: Engine) -> list[str]:
    """Why the target is not empty (tables with rows, stored files); [] when it is."""
    reasons = [
        f"table {name} has rows" for name in database.holds_data(database.row_counts(engine))
    ]
    if source.storage_dir.is_dir() and any(
        path.is_file() for path in source.storage_dir.rglob("*")
    ):
        reasons.append(f"{source.storage_dir} holds files")
    return reasons


def restore(
    path: Path,
    keyring: Keyring,
    source: Source,
    engine: Engine,
    *,
    force: bool = False,
    restore_instance: bool = False,
) -> Restored:
    """Verify the backup, refuse a target with data (unless forced), restore, then recount.

    ``engine`` opens the target database (the one ``source`` names). Instance files are
    written only with ``restore_instance``: missing ones, and differing ones with ``force``.
    """
    summary = verify(path, keyring)
    record = summary.database
    if record["kind"] != source.database_kind:
        raise BackupError(
            "unsupported",
            f"This is a {record['kind']} backup; the app is configured for {source.database_kind}.",
        )
    if not force and (reasons := occupied(source, engine)):
        raise BackupError(
            "target_not_empty",
            "The target is not empty ("
            + "; ".join(reasons[:5])
            + "). Restore into an empty database and storage, or pass --force to write over it.",
        )
    engine.dispose()
    result = Restored(summary)
    instance_files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="mikroporada-restore-") as work:
        copy = Path(work) / "db.sqlite3"

        def apply(member: archive.Member) -> None:
            if member.name == archive.MARIADB_DUMP:
                mariadb.restore(source.database_uri, member.chunks())
            elif member.name == archive.SQLITE_DB:
                with copy.open("wb") as target:
                    for chunk in member.chunks():
                        target.write(chunk)
            elif member.name.startswith(archive.STORAGE):
                _write(source.storage_dir, member.name.removeprefix(archive.STORAGE), member)
                result.files += 1
            elif member.name.startswith(archive.INSTANCE):
                instance_files[member.name.removeprefix(archive.INSTANCE)] = b"".join(
                    member.chunks()
                )

        archive.read(path, keyring, apply)
        if record["kind"] == database.SQLITE:
            database.sqlite_restore(copy, database.sqlite_path(source.database_uri))
    engine.dispose()
    counts = database.row_counts(engine)
    expected = record["row_counts"]
    same_counts(expected, counts if not force else {name: counts.get(name, 0) for name in expected})
    result.row_counts = counts
    result.differences = differences(summary.manifest.get("settings", {}), source)
    result.instance = _instance(source.instance_dir, instance_files, restore_instance, force)
    return result


def _write(root: Path, relative: str, member: archive.Member, mode: int = 0o640) -> None:
    """Write a member under root atomically, refusing any path that leaves root."""
    try:
        target = storage.resolve(root, relative)
    except storage.StorageError as exc:
        raise BackupError("tampered", f"A member's path leaves its folder: {relative}") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in member.chunks():
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _instance(root: Path, files: dict[str, bytes], restore: bool, force: bool) -> list[str]:
    """Compare (and, when asked, restore) the backed-up instance files; one line per file."""
    lines = []
    for relative, data in sorted(files.items()):
        try:
            target = storage.resolve(root, relative)
        except storage.StorageError as exc:
            raise BackupError("tampered", f"A member's path leaves its folder: {relative}") from exc
        if target.is_file() and target.read_bytes() == data:
            lines.append(f"instance/{relative}: same as here")
        elif target.exists() and not (restore and force):
            lines.append(f"instance/{relative}: differs; kept this machine's (--force to replace)")
        elif restore:
            _write_bytes(target, data)
            lines.append(f"instance/{relative}: restored")
        else:
            lines.append(f"instance/{relative}: absent here; not restored (--restore-instance)")
    return lines


def _write_bytes(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
