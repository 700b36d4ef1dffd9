"""Making a backup: database, stored files and configuration in one encrypted archive."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from app.backup import archive, database, mariadb
from app.backup.errors import BackupError
from app.backup.settings import Source, describe
from app.crypto import Keyring

PREFIX = "mikroporada-backup-"
SUFFIX = ".mpbk"
NAME = re.compile(r"^mikroporada-backup-\d{8}T\d{6}Z\.mpbk$")
# Files being written by the app (storage.write_atomic) or by us: never part of a backup.
TEMPORARY = re.compile(r"^\.(tmp-|work-)|\.part(ial)?$")
_ALEMBIC_ROW = re.compile(rb"^INSERT INTO `alembic_version` VALUES \('([^']+)'\);$")


@dataclass(frozen=True)
class Created:
    """A backup just written: where, how big, and its manifest."""

    path: Path
    size: int
    manifest: dict[str, Any]


def create(
    source: Source, output_dir: Path, keyring: Keyring, exclude: tuple[Path, ...] = ()
) -> Created:
    """Write one backup of ``source`` into ``output_dir`` (temp file, then renamed, mode 0600).

    ``exclude`` names folders never to copy (the usual backup folder, when writing elsewhere).
    """
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = datetime.now(UTC)
    final = output_dir / f"{PREFIX}{now:%Y%m%dT%H%M%SZ}{SUFFIX}"
    if final.exists():
        raise BackupError("exists", f"{final} already exists; try again in a second.")
    partial = output_dir / f".{final.name}.partial"
    # The plain dump waits here for the archive; beside the backups, readable by us only.
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".work-") as work:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as sink:
                writer = archive.ArchiveWriter(sink, keyring)
                db_record = _add_database(writer, source, Path(work))
                skip = {output_dir.resolve(), *(path.resolve() for path in exclude)}
                files = _add_storage(writer, source.storage_dir, skip)
                skip.add(source.storage_dir.resolve())
                if db_record["kind"] == database.SQLITE:
                    skip.add(database.sqlite_path(source.database_uri).resolve())
                instance_files = _add_instance(writer, source.instance_dir, skip)
                described = describe(source, db_record["alembic_revision"])
                described["instance_files"] = instance_files
                writer.add_bytes(archive.SETTINGS, _json(described))
                manifest = {
                    "created_at": now.isoformat(timespec="seconds"),
                    "database": db_record,
                    "settings": described,
                    "storage_files": files,
                }
                writer.finish(manifest)
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    _fsync_dir(output_dir)
    return Created(final, final.stat().st_size, {**manifest, "members": writer.members})


def _add_database(writer: archive.ArchiveWriter, source: Source, work: Path) -> dict[str, Any]:
    kind = source.database_kind
    if kind == database.SQLITE:
        copy = work / "db.sqlite3"
        database.sqlite_snapshot(database.sqlite_path(source.database_uri), copy)
        counts = database.sqlite_counts(copy)
        writer.add_file(archive.SQLITE_DB, copy)
        revision = _sqlite_revision(copy)
        return _record(kind, archive.SQLITE_DB, counts, None, revision)
    dump = work / "dump.sql"
    with dump.open("wb") as target:
        mariadb.dump(source.database_uri, target, binlog=_binlog_on(source.database_uri))
    scan = scan_dump(dump.open("rb"))
    if not scan.completed:
        raise BackupError("dump_incomplete", "mariadb-dump did not finish its dump.")
    writer.add_file(archive.MARIADB_DUMP, dump)
    binlog = (
        {"file": scan.coordinates.file, "position": scan.coordinates.position}
        if scan.coordinates
        else None
    )
    record = _record(kind, archive.MARIADB_DUMP, scan.counts, binlog, scan.revision)
    record["database_name"] = mariadb.database_name(source.database_uri)
    return record


def _record(
    kind: str,
    member: str,
    counts: dict[str, int],
    binlog: dict[str, Any] | None,
    revision: str | None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "member": member,
        "row_counts": counts,
        "binlog": binlog,
        "alembic_revision": revision,
    }


@dataclass
class DumpScan:
    """What one pass over a MariaDB dump tells: rows per table, end marker, coordinates."""

    counts: dict[str, int]
    completed: bool
    coordinates: mariadb.Coordinates | None
    revision: str | None


def scan_dump(stream: Any) -> DumpScan:
    """Read a dump once (any object with ``read``), closing it afterwards."""
    counts: dict[str, int] = {}
    last = b""
    coordinates = None
    revision = None
    with stream:
        chunks = iter(lambda: stream.read(archive.CHUNK), b"")
        for number, line in enumerate(mariadb.lines(chunks)):
            if number < 64 and coordinates is None:
                coordinates = mariadb.coordinates(line)
            if (created := mariadb.created_table(line)) is not None:
                counts.setdefault(created, 0)
            table = mariadb.inserted_table(line)
            if table is not None:
                counts[table] = counts.get(table, 0) + 1
                if table == "alembic_version" and (found := _ALEMBIC_ROW.match(line)):
                    revision = found.group(1).decode("ascii")
            if line.strip():
                last = line
    return DumpScan(counts, last.startswith(mariadb.COMPLETED), coordinates, revision)


def _binlog_on(uri: str) -> bool:
    engine = create_engine(uri)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text("SELECT @@log_bin")).scalar())
    finally:
        engine.dispose()


def _sqlite_revision(path: Path) -> str | None:
    """The schema revision of a SQLite copy."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        return database.alembic_revision(engine)
    finally:
        engine.dispose()


def _files(root: Path, skip: set[Path]) -> list[tuple[str, Path]]:
    """Regular files under root (relative name, path), sorted; no links, no temporaries."""
    found: list[tuple[str, Path]] = []
    if not root.is_dir():
        return found
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            name
            for name in dirs
            if (here / name).resolve() not in skip and not TEMPORARY.search(name)
        )
        for name in sorted(names):
            path = here / name
            if TEMPORARY.search(name) or path.is_symlink() or not path.is_file():
                continue
            if path.resolve() in skip or _sqlite_sidecar(path, skip):
                continue
            found.append((path.relative_to(root).as_posix(), path))
    return found


def _sqlite_sidecar(path: Path, skip: set[Path]) -> bool:
    for suffix in ("-wal", "-shm", "-journal"):
        if path.name.endswith(suffix):
            main = path.with_name(path.name[: -len(suffix)])
            return main.resolve() in skip
    return False


def _add_storage(writer: archive.ArchiveWriter, storage_dir: Path, skip: set[Path]) -> int:
    added = 0
    for relative, path in _files(storage_dir, skip):
        try:
            writer.add_file(archive.STORAGE + relative, path)
        except FileNotFoundError:
            continue  # deleted (a purged case) since the listing: not part of this backup
        added += 1
    return added


def _add_instance(writer: archive.ArchiveWriter, instance_dir: Path, skip: set[Path]) -> list[str]:
    names = []
    for relative, path in _files(instance_dir, skip):
        writer.add_file(archive.INSTANCE + relative, path)
        names.append(relative)
    return names


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True).encode("utf-8")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune(output_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in a folder; return what was deleted."""
    if not output_dir.is_dir():
        return []
    backups = sorted(path for path in output_dir.iterdir() if NAME.match(path.name))
    doomed = backups[: max(len(backups) - max(keep, 1), 0)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed
