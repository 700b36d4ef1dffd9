"""Encryption at rest without the app: the column type, stored files, rotation and checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from app import crypto
from app.models.types import Encrypted
from app.services import encryption, storage
from tests.conftest import TEST_ENCRYPTION_KEY

CANARY = "Zażółć gęślą jaźń Kowalski 12-345"
OLD, NEW = TEST_ENCRYPTION_KEY, crypto.new_key()
metadata = MetaData()
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", Encrypted(long=True)),
)


@pytest.fixture(autouse=True)
def keyring() -> Iterator[None]:
    """The suite's key, and again after a test that changed keys."""
    crypto.install([OLD])
    yield
    crypto.install([OLD])


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = create_engine(f"sqlite:///{tmp_path / 'notes.sqlite3'}")
    metadata.create_all(made)
    yield made
    made.dispose()


def _raw(engine: Engine) -> list[str | None]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT body FROM notes ORDER BY id")).scalars())


def test_text_is_stored_as_a_token_and_read_back(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(notes), [{"body": CANARY}, {"body": None}, {"body": ""}])
    raw = _raw(engine)
    assert raw[1] is None and all(value.startswith("gAAAAA") for value in (raw[0], raw[2]))
    assert CANARY not in raw[0] and raw[0] != raw[2]
    with engine.connect() as connection:
        assert list(connection.execute(select(notes.c.body)).scalars()) == [CANARY, None, ""]


def test_a_value_no_key_opens_raises_instead_of_showing_garbage(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(notes), [{"body": CANARY}])
        connection.execute(text("INSERT INTO notes (body) VALUES ('zwykły tekst')"))
    crypto.install([NEW])
    with engine.connect() as connection, pytest.raises(crypto.DecryptionError):
        connection.execute(select(notes.c.body).where(notes.c.id == 1)).scalar_one()
    crypto.install([OLD])
    with engine.connect() as connection, pytest.raises(crypto.DecryptionError):
        connection.execute(select(notes.c.body).where(notes.c.id == 2)).scalar_one()


def test_long_values_are_mediumtext_on_mariadb() -> None:
    ddl = str(CreateTable(notes).compile(dialect=mysql.dialect()))
    assert "body MEDIUMTEXT" in ddl
    short = Table(
        "t", MetaData(), Column("id", Integer, primary_key=True), Column("v", Encrypted())
    )
    assert "v TEXT" in str(CreateTable(short).compile(dialect=mysql.dialect()))


def test_stored_files_are_encrypted(tmp_path: Path) -> None:
    relative = storage.render_path("abcdefgh")
    path = storage.write_encrypted(tmp_path, relative, b"%PDF-1.7 " + CANARY.encode())
    assert not path.read_bytes().startswith(b"%PDF") and b"Kowalski" not in path.read_bytes()
    assert storage.read_encrypted(tmp_path, relative) == b"%PDF-1.7 " + CANARY.encode()
    crypto.install([NEW])
    with pytest.raises(crypto.DecryptionError):
        storage.read_encrypted(tmp_path, relative)


def test_rotation_moves_values_and_files_to_the_new_key_once(
    engine: Engine, tmp_path: Path
) -> None:
    with engine.begin() as connection:
        connection.execute(insert(notes), [{"body": f"{CANARY} {n}"} for n in range(3)])
    storage.write_encrypted(tmp_path, storage.render_path("abcdefgh"), b"%PDF one")
    crypto.install([NEW, OLD])
    with Session(engine) as session:
        before = encryption.check_column(session, "notes", "body")
        assert (before.total, before.old_key, before.unreadable) == (3, 3, 0)
        first = encryption.rotate_column(session, "notes", "body")
        again = encryption.rotate_column(session, "notes", "body")
    assert (first.rotated, again.rotated, again.current) == (3, 0, 3)
    assert encryption.rotate_files(tmp_path).rotated == 1
    assert encryption.rotate_files(tmp_path).current == 1
    crypto.install([NEW])
    with engine.connect() as connection:
        assert connection.execute(select(notes.c.body)).scalars().all()[0] == f"{CANARY} 0"
    assert storage.read_encrypted(tmp_path, storage.render_path("abcdefgh")) == b"%PDF one"
    assert encryption.check_files(tmp_path).unreadable == 0
    crypto.install([OLD])
    with Session(engine) as session:
        assert encryption.check_column(session, "notes", "body").unreadable == 3
        assert encryption.rotate_column(session, "notes", "body").unreadable == 3
    assert encryption.check_files(tmp_path).unreadable == 1


def test_rotation_never_overwrites_a_value_changed_meanwhile(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with engine.begin() as connection:
        connection.execute(insert(notes), [{"body": "stara"}])
    crypto.install([NEW, OLD])
    original = encryption._raw_batches

    def changed_meanwhile(*args: Any) -> Iterator[list]:
        for rows in original(*args):
            with engine.begin() as other:  # the app saves a new value after the read
                other.execute(notes.update().values(body="nowa"))
            yield rows

    monkeypatch.setattr(encryption, "_raw_batches", changed_meanwhile)
    with Session(engine) as session:
        tally = encryption.rotate_column(session, "notes", "body")
    assert (tally.rotated, tally.changed) == (0, 1)
    with engine.connect() as connection:
        assert connection.execute(select(notes.c.body)).scalar_one() == "nowa"
