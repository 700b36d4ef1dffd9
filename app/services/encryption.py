"""Everything stored encrypted, re-encrypted under the newest key or checked against the keys.

The columns are found from the models (every column of type ``Encrypted``), the files are the
PDFs under STORAGE_DIR/renders. Values are read and written raw (tokens, not text), in
batches of rows by id with a commit after each, so a large database is never held in one
transaction, and a run can stop and start again: values already under the newest key are
skipped. A row is rewritten only if it still holds the token that was read (a conditional
update), so a value the app changes meanwhile is never overwritten with an older one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, MetaData, Table, column, select, table, update
from sqlalchemy.orm import Session

from app import crypto
from app.models.types import Encrypted
from app.services import storage

BATCH = 500


@dataclass
class Tally:
    """What one pass over a column (``table.column``) or the files found."""

    name: str
    total: int = 0
    current: int = 0
    rotated: int = 0
    old_key: int = 0
    unreadable: int = 0
    changed: int = 0


def encrypted_columns(metadata: MetaData) -> list[tuple[Table, Column]]:
    """Every column stored encrypted, table by table."""
    return [
        (found, col)
        for found in metadata.sorted_tables
        for col in found.columns
        if isinstance(col.type, Encrypted)
    ]


def _raw_batches(session: Session, table_name: str, column_name: str) -> Iterator[list]:
    """The (id, token) pairs of a column's non-NULL values, in batches by id, raw."""
    raw = table(table_name, column("id"), column(column_name))
    after = 0
    while True:
        rows = session.execute(
            select(raw.c.id, raw.c[column_name])
            .where(raw.c.id > after, raw.c[column_name].is_not(None))
            .order_by(raw.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def rotate_column(session: Session, table_name: str, column_name: str) -> Tally:
    """Re-encrypt a column's values under the newest key; commits after every batch."""
    keyring = crypto.keyring()
    tally = Tally(f"{table_name}.{column_name}")
    raw = table(table_name, column("id"), column(column_name))
    for rows in _raw_batches(session, table_name, column_name):
        for row_id, value in rows:
            tally.total += 1
            token = value.encode()
            if keyring.is_current(token):
                tally.current += 1
                continue
            try:
                fresh = keyring.rotate(token).decode("ascii")
            except crypto.DecryptionError:
                tally.unreadable += 1
                continue
            moved = session.execute(
                update(raw)
                .where(raw.c.id == row_id, raw.c[column_name] == value)
                .values({column_name: fresh})
            )
            if moved.rowcount == 1:
                tally.rotated += 1
            else:
                tally.changed += 1  # rewritten meanwhile by the app, with the newest key
        session.commit()
    return tally


def check_column(session: Session, table_name: str, column_name: str) -> Tally:
    """Decrypt every value of a column; count those under an old key and those none opens."""
    keyring = crypto.keyring()
    tally = Tally(f"{table_name}.{column_name}")
    for rows in _raw_batches(session, table_name, column_name):
        for _row_id, value in rows:
            tally.total += 1
            _classify(keyring, value.encode(), tally)
        session.commit()
    return tally


def _classify(keyring: crypto.Keyring, token: bytes, tally: Tally) -> None:
    if keyring.is_current(token):
        tally.current += 1
        return
    try:
        keyring.decrypt(token)
    except crypto.DecryptionError:
        tally.unreadable += 1
    else:
        tally.old_key += 1


def stored_files(root: str | Path) -> Iterator[str]:
    """The storage-relative paths of every stored PDF (temp files of writes excluded)."""
    base = Path(root)
    renders = base / "renders"
    if not renders.is_dir():
        return
    for path in sorted(renders.rglob("*.pdf")):
        if path.is_file() and not path.name.startswith("."):
            yield path.relative_to(base).as_posix()


def rotate_files(root: str | Path) -> Tally:
    """Re-encrypt every stored PDF under the newest key, each by an atomic rewrite."""
    keyring = crypto.keyring()
    tally = Tally("files")
    for relative in stored_files(root):
        path = storage.resolve(root, relative)
        try:
            token = path.read_bytes()
        except FileNotFoundError:
            continue  # its case was deleted meanwhile
        tally.total += 1
        if keyring.is_current(token):
            tally.current += 1
            continue
        try:
            fresh = keyring.rotate(token)
        except crypto.DecryptionError:
            tally.unreadable += 1
            continue
        # A file deleted meanwhile is not brought back (a narrow race remains: a PDF
        # deleted between this check and the rename is left behind, as an orphan file).
        if not path.is_file():
            tally.changed += 1
            continue
        storage.write_atomic(root, relative, fresh)
        tally.rotated += 1
    return tally


def check_files(root: str | Path) -> Tally:
    """Decrypt every stored PDF; count those under an old key and those none opens."""
    keyring = crypto.keyring()
    tally = Tally("files")
    for relative in stored_files(root):
        try:
            token = storage.resolve(root, relative).read_bytes()
        except FileNotFoundError:
            continue
        tally.total += 1
        _classify(keyring, token, tally)
    return tally
