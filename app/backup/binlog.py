"""Point-in-time recovery: MariaDB's binary log replayed from a backup's coordinates.

A backup made while the binlog is on records where the log stood at its snapshot. After
restoring it, the transactions since then are applied with ``mariadb-binlog`` up to a chosen
moment or event, so a bad change (a case deleted by mistake) can be left out. Times are UTC:
the tools run with TZ=UTC, so ``--until`` and the listed event times mean the same thing.
"""

from __future__ import annotations

import os
import re
import subprocess  # nosec B404
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from app.backup import mariadb
from app.backup.errors import BackupError
from app.backup.mariadb import Coordinates

_AT = re.compile(r"^# at (\d+)$")
# "#261128  5:10:00 server id 1  end_log_pos 1234 CRC32 0x...  GTID 0-1-5 trx"
_GTID = re.compile(r"^#(\d{6})\s+(\d{1,2}:\d{2}:\d{2}) server id \d+\s+end_log_pos \d+.*\bGTID\b")
_NOISE = re.compile(
    r"^(#|/\*|SET |BEGIN|COMMIT|DELIMITER|ROLLBACK|use |START TRANSACTION|;|\s*$)", re.I
)
# A row event names `db`.`table`; listed as the statement form names it, for one --grep.
_ROWS = re.compile(r"^### (INSERT INTO|UPDATE|DELETE FROM) `(?:[^`]|``)+`\.`((?:[^`]|``)+)`")
_UNTIL = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@dataclass
class Transaction:
    """One transaction in the binlog: where it starts (stop here to leave it out), what it did."""

    file: str
    position: int
    time: str
    statements: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """Its statements on one line, shortened."""
        text = " | ".join(self.statements)
        return text if len(text) <= 160 else text[:157] + "..."


def start_of(manifest: dict[str, object]) -> Coordinates:
    """The binlog coordinates a backup recorded, or a clear error when it has none."""
    record = manifest.get("database")
    binlog = record.get("binlog") if isinstance(record, dict) else None
    if not isinstance(binlog, dict):
        raise BackupError(
            "no_binlog_position",
            "This backup has no binlog position: the binary log was off when it was made.",
        )
    return Coordinates(str(binlog["file"]), int(binlog["position"]))


def files_from(start: Coordinates, binlog_dir: Path | None, files: list[Path]) -> list[Path]:
    """The binlog files to read, oldest first, starting with the backup's file."""
    if files:
        chosen = list(files)
    else:
        if binlog_dir is None or not binlog_dir.is_dir():
            raise BackupError("no_binlog_files", "Give --binlog-dir (a folder) or --files.")
        stem = start.file.rsplit(".", 1)[0]
        chosen = [
            path
            for path in binlog_dir.iterdir()
            if path.name.startswith(stem + ".") and path.suffix[1:].isdigit()
        ]
    chosen = sorted(
        (path for path in chosen if _number(path.name) >= _number(start.file)),
        key=lambda path: _number(path.name),
    )
    if not chosen or chosen[0].name != start.file:
        raise BackupError(
            "no_binlog_files",
            f"The backup's binlog file {start.file} is not among the files given.",
        )
    missing = [path for path in chosen if not path.is_file()]
    if missing:
        raise BackupError("no_binlog_files", f"No such binlog file: {missing[0]}")
    return chosen


def _number(name: str) -> int:
    """The sequence number of a binlog file name (mysql-bin.000042: 42; -1 if none)."""
    suffix = name.rsplit(".", 1)[-1]
    return int(suffix) if suffix.isdigit() else -1


class _Binlog:
    """A running ``mariadb-binlog`` (TZ=UTC) whose errors go to a private temporary file."""

    def __init__(self, arguments: list[str]) -> None:
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish() or kill()
        self.process = subprocess.Popen(  # nosec B603
            [mariadb.tool(mariadb.BINLOG_TOOL), *arguments],
            stdout=subprocess.PIPE,
            stderr=self._errors,
            env={**os.environ, "TZ": "UTC"},
        )
        self.stdout: IO[bytes] = self.process.stdout  # type: ignore[assignment]

    def chunks(self) -> Iterator[bytes]:
        """Its output, chunk by chunk."""
        while data := self.stdout.read(65536):
            yield data

    def finish(self) -> None:
        """Wait for it; raise BackupError with its last message when it failed."""
        code = self.process.wait()
        self.stdout.close()
        self._errors.seek(0)
        detail = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        self._errors.close()
        if code != 0:
            raise BackupError(
                "tool_failed", f"mariadb-binlog failed: {detail[-1] if detail else 'no message'}"
            )

    def kill(self) -> None:
        """Stop it (the other end of the pipe failed)."""
        self.process.kill()
        self.process.wait()
        self.stdout.close()
        self._errors.close()


def replay_arguments(
    start: Coordinates,
    files: list[Path],
    *,
    until: str | None = None,
    stop_position: int | None = None,
    stop_file: str | None = None,
    database: str | None = None,
    rewrite_to: str | None = None,
) -> list[str]:
    """The ``mariadb-binlog`` arguments of a replay (no credentials are among them)."""
    if (until is None) == (stop_position is None):
        raise BackupError("unsupported", "Give exactly one of --until and --stop-position.")
    if until is not None and not _UNTIL.match(until):
        raise BackupError("unsupported", "--until takes 'YYYY-mm-dd HH:MM:SS' (UTC).")
    if stop_file:
        names = [path.name for path in files]
        if stop_file not in names:
            raise BackupError("no_binlog_files", f"--stop-file {stop_file} is not among the files.")
        files = files[: names.index(stop_file) + 1]
    arguments = [f"--start-position={start.position}"]
    arguments.append(
        f"--stop-datetime={until}" if until else f"--stop-position={int(stop_position or 0)}"
    )
    if database:
        arguments.append(f"--database={database}")
        if rewrite_to and rewrite_to != database:
            arguments.append(f"--rewrite-db={database}->{rewrite_to}")
    return [*arguments, *(str(path) for path in files)]


def replay(uri: str, arguments: list[str]) -> None:
    """Pipe ``mariadb-binlog ARGUMENTS`` into the ``mariadb`` client on the URL's database."""
    binlog = _Binlog(arguments)
    try:
        mariadb.restore(uri, binlog.chunks())
    except BackupError:
        binlog.kill()
        raise
    binlog.finish()


def transactions(start: Coordinates, files: list[Path]) -> list[Transaction]:
    """Every transaction after the backup's position, with where each starts and what it did."""
    found: list[Transaction] = []
    for index, path in enumerate(files):
        arguments = ["--base64-output=decode-rows", "--verbose"]
        if index == 0:
            arguments.append(f"--start-position={start.position}")
        binlog = _Binlog([*arguments, str(path)])
        found.extend(_parse(path.name, _text_lines(binlog.stdout)))
        binlog.finish()
    return found


def _text_lines(stream: IO[bytes]) -> Iterator[str]:
    for raw in stream:
        yield raw.decode("utf-8", "replace").rstrip("\n")


def _parse(file: str, lines: Iterator[str]) -> list[Transaction]:
    """Transactions from ``mariadb-binlog --verbose`` output: each starts at its GTID event."""
    found: list[Transaction] = []
    position = 0
    current: Transaction | None = None
    for line in lines:
        if at := _AT.match(line):
            position = int(at.group(1))
        elif gtid := _GTID.match(line):
            day = gtid.group(1)
            moment = f"20{day[:2]}-{day[2:4]}-{day[4:]} {gtid.group(2):0>8}"
            current = Transaction(file, position, moment)
            found.append(current)
        elif current is not None and (rows := _ROWS.match(line)):
            _note(current, f"{rows.group(1)} {rows.group(2).replace('``', '`')}")
        elif current is not None and not _NOISE.match(line):
            _note(current, line.strip().rstrip(";"))
    return found


def _note(transaction: Transaction, statement: str) -> None:
    """Add a statement, once per run of identical ones (a row event lists every row)."""
    if not transaction.statements or transaction.statements[-1] != statement:
        transaction.statements.append(statement)
