"""The backup container and the parsers of dumps and binlogs, without a database."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from app.backup import binlog, container, mariadb
from app.backup.create import scan_dump
from app.backup.errors import BackupError
from app.crypto import Keyring, new_key

KEYRING = Keyring([new_key()])


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "CHUNK", 10)


def _seal(data: bytes, keyring: Keyring = KEYRING) -> bytes:
    sink = io.BytesIO()
    writer = container.EncryptingWriter(sink, keyring)
    for start in range(0, len(data), 7):
        writer.write(data[start : start + 7])
    writer.close()
    return sink.getvalue()


def _open(sealed: bytes, keyring: Keyring = KEYRING) -> bytes:
    reader = container.DecryptingReader(io.BytesIO(sealed), keyring)
    out = b""
    while chunk := reader.read(4):
        out += chunk
    return out


def _frames(sealed: bytes) -> tuple[bytes, list[bytes]]:
    head_size = len(container.MAGIC) + container.ID_BYTES
    head, rest, frames = sealed[:head_size], sealed[head_size:], []
    while rest:
        (length,) = struct.unpack(">I", rest[:4])
        frames.append(rest[: 4 + length])
        rest = rest[4 + length :]
    return head, frames


def _code(sealed: bytes, keyring: Keyring = KEYRING) -> str:
    with pytest.raises(BackupError) as caught:
        _open(sealed, keyring)
    return caught.value.code


def test_round_trip_in_chunks_and_empty() -> None:
    data = bytes(range(256)) * 3
    sealed = _seal(data)
    assert _open(sealed) == data and len(_frames(sealed)[1]) == len(data) // 10 + 1
    assert _open(_seal(b"")) == b""


def test_any_key_of_the_ring_opens_it_and_another_does_not() -> None:
    old = new_key()
    sealed = _seal(b"letter text", Keyring([old]))
    assert _open(sealed, Keyring([new_key(), old])) == b"letter text"
    assert _code(sealed, Keyring([new_key()])) == "wrong_key"


def test_reordered_dropped_spliced_cut_and_extended_archives_are_refused() -> None:
    data = b"0123456789" * 5
    head, frames = _frames(_seal(data))
    assert _code(head + frames[1] + frames[0] + b"".join(frames[2:])) == "tampered"
    assert _code(head + frames[0] + b"".join(frames[2:])) == "tampered"
    assert _code(head + b"".join(frames[:-1])) == "truncated"  # cut at a frame boundary
    assert _code(head + b"".join(frames)[:-5]) == "truncated"
    assert _code(head + b"".join(frames) + b"x") == "tampered"
    _, others = _frames(_seal(data))
    assert _code(head + frames[0] + others[1] + b"".join(frames[2:])) == "tampered"
    assert _code(b"not a backup at all, really") == "not_a_backup"
    # The archive id in the clear header is checked against the one inside every part.
    assert _code(head[:-1] + bytes([head[-1] ^ 1]) + b"".join(frames)) == "tampered"


def test_a_dump_is_read_for_rows_coordinates_and_its_end() -> None:
    dump = (
        b"-- MariaDB dump 10.19\n"
        b"-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000007', MASTER_LOG_POS=1234;\n"
        b"CREATE TABLE `renders` (\n"
        b"INSERT INTO `alembic_version` VALUES ('0008');\n"
        b"INSERT INTO `messages` VALUES (1,'a\\nb),(2,''');\n"
        b"INSERT INTO `messages` VALUES (2,'x');\n"
        b"INSERT INTO `we``ird` VALUES (1);\n"
        b"-- Dump completed on 2026-11-28  5:00:00\n"
    )
    scan = scan_dump(io.BytesIO(dump))
    assert scan.counts == {"alembic_version": 1, "messages": 2, "renders": 0, "we`ird": 1}
    assert scan.completed and scan.revision == "0008"
    assert scan.coordinates == mariadb.Coordinates("mysql-bin.000007", 1234)
    assert not scan_dump(io.BytesIO(dump.rsplit(b"--", 1)[0])).completed


def test_the_option_file_quotes_credentials() -> None:
    uri = "mysql+pymysql://app:p%22a%5Cs%23s@db.internal:3307/mikroporada?charset=utf8mb4"
    with mariadb.defaults_file(uri) as path:
        text = Path(path).read_text(encoding="utf-8")
    assert 'password="p\\"a\\\\s#s"' in text and 'host="db.internal"' in text
    assert "port=3307" in text and 'user="app"' in text


BINLOG = """\
# at 4
#261128  5:10:00 server id 1  end_log_pos 256 CRC32 0x0  Start: binlog v 4
# at 328
#261128  5:10:01 server id 1  end_log_pos 370 CRC32 0x0  GTID 0-1-5 trx
/*!100001 SET @@session.gtid_seq_no=5*//*!*/;
START TRANSACTION
/*!*/;
# at 370
#261128  5:10:01 server id 1  end_log_pos 500 CRC32 0x0  Query thread_id=5
SET TIMESTAMP=1795842601/*!*/;
INSERT INTO conversations (public_id) VALUES ('abc')
/*!*/;
COMMIT/*!*/;
# at 560
#261128  9:11:02 server id 1  end_log_pos 602 CRC32 0x0  GTID 0-1-6 trx
START TRANSACTION
# at 602
### DELETE FROM `pitr`.`messages`
### WHERE
###   @1=1
### DELETE FROM `pitr`.`messages`
DELETE FROM conversations WHERE conversations.id = 2
COMMIT/*!*/;
"""


def test_binlog_transactions_start_at_their_gtid_event() -> None:
    found = binlog._parse("mysql-bin.000001", iter(BINLOG.splitlines()))
    assert [(t.position, t.time) for t in found] == [
        (328, "2026-11-28 05:10:01"),
        (560, "2026-11-28 09:11:02"),
    ]
    assert found[0].statements == ["INSERT INTO conversations (public_id) VALUES ('abc')"]
    assert found[1].statements == [
        "DELETE FROM messages",
        "DELETE FROM conversations WHERE conversations.id = 2",
    ]


def test_replay_arguments_rewrite_the_database_and_stop_once() -> None:
    start = mariadb.Coordinates("mysql-bin.000002", 900)
    files = [Path(f"/b/mysql-bin.00000{n}") for n in (2, 3, 4)]
    arguments = binlog.replay_arguments(
        start, files, stop_position=560, stop_file="mysql-bin.000003", database="a", rewrite_to="b"
    )
    assert arguments == [
        "--start-position=900",
        "--stop-position=560",
        "--database=a",
        "--rewrite-db=a->b",
        "/b/mysql-bin.000002",
        "/b/mysql-bin.000003",
    ]
    with pytest.raises(BackupError):
        binlog.replay_arguments(start, files, until="yesterday")
    with pytest.raises(BackupError):
        binlog.replay_arguments(start, files)
