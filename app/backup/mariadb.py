"""MariaDB's own tools for backups: a consistent dump, its restore, the binlog position.

Credentials reach the tools only through a temporary option file (mode 0600, removed at
once), never on a command line where ``ps`` would show them. Every command is a list of
arguments run without a shell.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess  # nosec B404
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from sqlalchemy.engine import URL, make_url

from app.backup.errors import BackupError

DUMP_TOOL = "mariadb-dump"
CLIENT_TOOL = "mariadb"
BINLOG_TOOL = "mariadb-binlog"
# "-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=1234;"
_COORDINATES = re.compile(rb"MASTER_LOG_FILE='([^']+)',\s*MASTER_LOG_POS=(\d+)")
COMPLETED = b"-- Dump completed"
_INSERT = re.compile(rb"^INSERT INTO `((?:[^`]|``)+)` VALUES ")
_CREATE = re.compile(rb"^CREATE TABLE `((?:[^`]|``)+)` \(")


@dataclass(frozen=True)
class Coordinates:
    """A position in the binary log: the file and the offset of the next event."""

    file: str
    position: int


def tool(name: str) -> str:
    """The absolute path of a MariaDB tool, or a clear error when it is not installed."""
    found = shutil.which(name)
    if not found:
        raise BackupError("tool_missing", f"{name} is not installed (package mariadb-client).")
    return found


def database_name(uri: str) -> str:
    """The database a MariaDB URL names."""
    name = make_url(uri).database
    if not name:
        raise BackupError("unsupported", "DATABASE_URL names no database.")
    return name


def _quoted(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise BackupError("unsupported", "A database setting contains a line break.")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _options(url: URL) -> str:
    lines = ["[client]"]
    if url.username:
        lines.append(f"user={_quoted(url.username)}")
    if url.password:
        lines.append(f"password={_quoted(str(url.password))}")
    socket = url.query.get("unix_socket")
    if isinstance(socket, str) and socket:
        lines.append(f"socket={_quoted(socket)}")
    else:
        lines.append(f"host={_quoted(url.host or '127.0.0.1')}")
        lines.append("protocol=TCP")
    if url.port:
        lines.append(f"port={int(url.port)}")
    return "\n".join(lines) + "\n"


@contextmanager
def defaults_file(uri: str) -> Iterator[str]:
    """A private option file with the URL's credentials, removed when the block ends."""
    fd, path = tempfile.mkstemp(prefix="mikroporada-", suffix=".cnf")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(_options(make_url(uri)))
        yield path
    finally:
        Path(path).unlink(missing_ok=True)


def _failed(what: str, stderr: bytes) -> BackupError:
    detail = stderr.decode("utf-8", "replace").strip().splitlines()
    return BackupError("tool_failed", f"{what} failed: {detail[-1] if detail else 'no message'}")


def dump(uri: str, target: BinaryIO, *, binlog: bool) -> None:
    """Dump the database into ``target``: one consistent snapshot, one row per INSERT line.

    One row per line lets the row counts be read back from the dump itself; ``binlog`` adds
    the snapshot's binlog coordinates as a comment (``--master-data=2``).
    """
    with defaults_file(uri) as options:
        command = [
            tool(DUMP_TOOL),
            f"--defaults-file={options}",
            "--single-transaction",
            "--quick",
            "--routines",
            "--triggers",
            "--skip-extended-insert",
            "--no-autocommit",
            "--hex-blob",
            "--default-character-set=utf8mb4",
        ]
        if binlog:
            command.append("--master-data=2")
        command.append(database_name(uri))
        result = subprocess.run(  # nosec B603
            command, stdout=target, stderr=subprocess.PIPE, check=False
        )
    if result.returncode != 0:
        raise _failed("mariadb-dump", result.stderr)


def restore(uri: str, chunks: Iterable[bytes], *, database: str | None = None) -> None:
    """Feed a dump (or any SQL) to the ``mariadb`` client on the URL's database."""
    with defaults_file(uri) as options, tempfile.TemporaryFile() as errors:
        command = [
            tool(CLIENT_TOOL),
            f"--defaults-file={options}",
            "--default-character-set=utf8mb4",
            "--batch",
            database or database_name(uri),
        ]
        process = subprocess.Popen(  # nosec B603
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )
        stdin: IO[bytes] = process.stdin  # type: ignore[assignment]
        # A client that stops early (BrokenPipeError) is reported by its exit code and message.
        try:
            with contextlib.suppress(BrokenPipeError):
                for chunk in chunks:
                    stdin.write(chunk)
        finally:
            with contextlib.suppress(BrokenPipeError):
                stdin.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            raise _failed("mariadb (restore)", errors.read())


def coordinates(dump_head: bytes) -> Coordinates | None:
    """The binlog coordinates ``--master-data=2`` wrote at the top of a dump, if any."""
    found = _COORDINATES.search(dump_head)
    if not found:
        return None
    return Coordinates(found.group(1).decode("ascii"), int(found.group(2)))


def inserted_table(line: bytes) -> str | None:
    """The table a dump line inserts one row into (None for other lines)."""
    found = _INSERT.match(line)
    return found.group(1).decode("utf-8").replace("``", "`") if found else None


def created_table(line: bytes) -> str | None:
    """The table a dump line creates (None for other lines)."""
    found = _CREATE.match(line)
    return found.group(1).decode("utf-8").replace("``", "`") if found else None


def lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a stream of chunks, without their line ends."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        yield from complete
    if pending:
        yield pending
