"""The database side of backups that does not depend on a tool: kinds, counts, SQLite copies."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from app.backup.errors import BackupError

MARIADB = "mariadb"
SQLITE = "sqlite"
# The one table a database fresh from ``flask db upgrade`` already has a row in.
BOOKKEEPING = {"alembic_version"}


def kind(uri: str) -> str:
    """``mariadb`` or ``sqlite``: the two databases the app runs on."""
    backend = make_url(uri).get_backend_name()
    if backend in ("mysql", "mariadb"):
        return MARIADB
    if backend == SQLITE:
        return SQLITE
    raise BackupError("unsupported", f"Backups support MariaDB and SQLite, not {backend}.")


def sqlite_path(uri: str) -> Path:
    """The file of a SQLite URL (an in-memory database cannot be backed up)."""
    name = make_url(uri).database
    if not name or name == ":memory:" or name.startswith("file::memory:"):
        raise BackupError("unsupported", "An in-memory SQLite database cannot be backed up.")
    return Path(name)


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the database an engine opens."""
    preparer = engine.dialect.identifier_preparer
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
        return {
            name: int(
                connection.execute(
                    # The name comes from the database's own catalogue and is quoted.
                    text(f"SELECT COUNT(*) FROM {preparer.quote(name)}")  # nosec B608
                ).scalar_one()
            )
            for name in sorted(names)
        }


def holds_data(counts: dict[str, int]) -> list[str]:
    """The tables with rows, bookkeeping aside: a restore target must have none."""
    return [name for name, rows in counts.items() if rows and name not in BOOKKEEPING]


def alembic_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    with engine.connect() as connection:
        if "alembic_version" not in inspect(connection).get_table_names():
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def sqlite_snapshot(source: Path, target: Path) -> None:
    """Copy a live SQLite database with the online backup API (consistent, no lock held long)."""
    if not source.is_file():
        raise BackupError("unsupported", f"The SQLite database {source} does not exist.")
    with _open(source) as src, _open(target) as dst:
        src.backup(dst)


def sqlite_restore(source: Path, target: Path) -> None:
    """Replace the target database's content with the source's, by the backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with _open(source) as src, _open(target) as dst:
        src.backup(dst)


def sqlite_counts(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite file."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        return row_counts(engine)
    finally:
        engine.dispose()


def sqlite_integrity(path: Path) -> str:
    """``ok``, or the first problem ``PRAGMA integrity_check`` reports."""
    with _open(path) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def _open(path: Path) -> closing[sqlite3.Connection]:
    """A sqlite3 connection closed on exit (sqlite3's own context manager only commits)."""
    return closing(sqlite3.connect(str(path)))
