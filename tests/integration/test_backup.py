"""Backups on the backend under test: a full restore round trip into an empty second database
and storage folder, every kind of damage refused by ``verify``, and point-in-time recovery
rehearsed on a private MariaDB server with its binary log on."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymysql
import pytest
from click.testing import Result
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app import create_app, crypto
from app.extensions import db
from app.models import Conversation
from app.services import renders, storage
from tests.conftest import BACKEND, _test_config
from tests.fake_ollama import FakeOllama
from tests.helpers import NAKAZ_FIELDS, ApiClient

V1 = "/api/v1"
MARIADBD = Path("/usr/sbin/mariadbd")


def _private(app: Flask, folder: Path) -> Flask:
    """Point an app at a storage folder and an instance folder of the test's own."""
    app.config["STORAGE_DIR"] = str(folder / "storage")
    app.instance_path = str(folder / "instance")
    return app


def _cli(app: Flask, *args: str) -> Result:
    """``flask backup ARGS`` on an app."""
    return app.test_cli_runner().invoke(args=["backup", *args])


def _backup(app: Flask, folder: Path) -> Path:
    """Make a backup with the command; return its file."""
    made = _cli(app, "create", "--output", str(folder))
    assert made.exit_code == 0, made.output
    (path,) = folder.glob("mikroporada-backup-*.mpbk")
    return path


def _make_cases(app: Flask, fake_ollama: FakeOllama) -> None:
    """A case with a conversation, and a letter with two versions and a rendered PDF."""
    api = ApiClient(app)
    fake_ollama.push_reply("Masz dwa tygodnie na sprzeciw od nakazu.")
    body = api.post(f"{V1}/conversations", {"message": "Dostałam nakaz zapłaty."}).get_json()
    assert api.wait_reply(body["messages"][1]["url"])["status"] == "complete"
    letter = api.start(document={"type": "sprzeciw-nakaz", "fields": dict(NAKAZ_FIELDS)})
    changed = {**NAKAZ_FIELDS, "kwota": "999.00", "imie_nazwisko": "Zofia Łęcka-Żółć"}
    versions = f"{V1}/conversations/{letter['id']}/document/versions"
    assert api.post(versions, {"fields": changed, "base_version": 1}).status_code == 201
    with app.app_context():
        conversation = db.session.scalar(select(Conversation).filter_by(public_id=letter["id"]))
        render, _ = renders.create(conversation.document.current)
        renders.run(render.id, app.config["STORAGE_DIR"])
        db.session.remove()


def _state(app: Flask) -> dict[str, Any]:
    """Every case as the app reads it (decrypted), with its stored PDFs' bytes."""
    cases: dict[str, Any] = {}
    with app.app_context():
        for conversation in db.session.scalars(select(Conversation)):
            document = conversation.document
            versions = document.versions if document else []
            cases[conversation.public_id] = {
                "title": conversation.title,
                "messages": [(m.role, m.kind, m.status, m.content) for m in conversation.messages],
                "versions": [(v.number, v.author, v.html, v.fields) for v in versions],
                "pdfs": {
                    render.public_id: storage.resolve(
                        app.config["STORAGE_DIR"], render.file_path
                    ).read_bytes()
                    for version in versions
                    for render in version.renders
                    if render.file_path
                },
            }
        db.session.remove()
    return cases


@pytest.fixture
def empty_target(migrated: dict[str, Any], tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An empty second database (``<db>_restore`` or a new SQLite file) and storage folder."""
    storage_dir = tmp_path / "restored-storage"
    if BACKEND != "mariadb":
        yield {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
            "STORAGE_DIR": str(storage_dir),
        }
        return
    url = make_url(migrated["SQLALCHEMY_DATABASE_URI"])
    name = f"{url.database}_restore"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    try:
        yield {
            "SQLALCHEMY_DATABASE_URI": url.set(database=name).render_as_string(hide_password=False),
            "STORAGE_DIR": str(storage_dir),
        }
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def _app_on(migrated: dict[str, Any], fake_ollama: FakeOllama, target: dict[str, Any]) -> Flask:
    """An app like the test app, on another database and storage folder."""
    return create_app({**_test_config(migrated, fake_ollama.url), **target})


def test_a_backup_restores_into_an_empty_database_and_storage(
    app: Flask,
    fake_ollama: FakeOllama,
    migrated: dict[str, Any],
    empty_target: dict[str, Any],
    tmp_path: Path,
) -> None:
    _private(app, tmp_path)
    # The embedded setup's secrets under instance/ (beside them, nothing else is backed up).
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "encryption_key").write_text(crypto.new_key())
    (tmp_path / "instance" / "secret_key").write_text("s" * 48)
    _make_cases(app, fake_ollama)
    before = _state(app)
    assert len(before) == 2 and any(case["pdfs"] for case in before.values())
    assert any(len(case["versions"]) == 2 for case in before.values())

    path = _backup(app, tmp_path / "backups")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no leftovers
    checked = _cli(app, "verify", str(path))
    assert checked.exit_code == 0, checked.output
    assert "OK: the backup is complete and unaltered." in checked.output
    assert "document_versions: 2" in checked.output and "stored files: 1" in checked.output

    # The data's own database and storage are not empty: refused, nothing written.
    refused = _cli(app, "restore", str(path), "--yes")
    assert refused.exit_code == 1 and "[target_not_empty]" in refused.output

    restored_app = _app_on(migrated, fake_ollama, empty_target)
    # A fresh machine's instance folder: the keys come back only when asked for.
    restored_app.instance_path = str(tmp_path / "new-instance")
    done = _cli(restored_app, "restore", str(path), "--yes", "--restore-instance")
    assert done.exit_code == 0, done.output
    assert "(counts match), 1 files" in done.output
    assert "storage_dir: backup" in done.output  # a difference reported, not an error
    assert "instance/encryption_key: restored" in done.output
    assert "instance/secret_key: restored" in done.output
    for name in ("encryption_key", "secret_key"):
        restored = tmp_path / "new-instance" / name
        assert restored.read_bytes() == (tmp_path / "instance" / name).read_bytes()
        assert stat.S_IMODE(restored.stat().st_mode) == 0o600
    assert _state(restored_app) == before
    with restored_app.app_context():
        db.engine.dispose()


def test_verify_refuses_damage_and_a_wrong_key(app: Flask, tmp_path: Path) -> None:
    _private(app, tmp_path)
    # A stored file over two chunks: the archive has several parts, damage lands past the first.
    big = tmp_path / "storage" / "renders" / "ab" / "abcdefgh12.pdf"
    big.parent.mkdir(parents=True)
    big.write_bytes(os.urandom(2_500_000))
    path = _backup(app, tmp_path / "backups")
    data = path.read_bytes()

    def verdict(content: bytes) -> str:
        damaged = tmp_path / "damaged.mpbk"
        damaged.write_bytes(content)
        result = _cli(app, "verify", str(damaged))
        assert result.exit_code == 1, result.output
        return result.output

    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    assert "[tampered]" in verdict(bytes(flipped))
    assert "[truncated]" in verdict(data[: len(data) - 100])
    assert "[tampered]" in verdict(data + b"\x00\x00\x00\x10more")
    assert "[not_a_backup]" in verdict(b"%PDF-1.7 not a backup at all")
    first = bytearray(data)
    first[60] ^= 0x01
    assert "[wrong_key]" in verdict(bytes(first))  # its first part: no key opens it

    app.config["BACKUP_KEY"] = crypto.new_key()
    wrong = _cli(app, "verify", str(path))
    assert wrong.exit_code == 1 and "[wrong_key]" in wrong.output
    assert "No configured key opens this backup" in wrong.output


def test_a_backup_key_of_its_own_and_pruning(app: Flask, tmp_path: Path) -> None:
    _private(app, tmp_path)
    app.config["BACKUP_KEY"] = crypto.new_key()
    folder = tmp_path / "backups"
    path = _backup(app, folder)
    assert _cli(app, "verify", str(path)).exit_code == 0
    app.config["BACKUP_KEY"] = ""  # the app's own keys do not open it
    assert "[wrong_key]" in _cli(app, "verify", str(path)).output
    for stamp in ("20200101T000000Z", "20200102T000000Z", "20200103T000000Z"):
        (folder / f"mikroporada-backup-{stamp}.mpbk").write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup")
    pruned = _cli(app, "prune", "--keep", "2", "--output", str(folder))
    assert pruned.exit_code == 0, pruned.output
    left = sorted(p.name for p in folder.iterdir())
    assert left == ["mikroporada-backup-20200103T000000Z.mpbk", path.name, "notes.txt"]


# -- point-in-time recovery on a private MariaDB server -------------------------------------


@dataclass
class PrivateServer:
    """A throwaway MariaDB server with its binary log on, on a loopback port of its own."""

    port: int
    datadir: Path

    def url(self, database: str) -> str:
        """A SQLAlchemy URL of one of its databases."""
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/{database}?charset=utf8mb4"

    def execute(self, sql: str) -> Any:
        """Run one statement as root; return its rows."""
        connection = pymysql.connect(host="127.0.0.1", port=self.port, user="root")
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def private_mariadb() -> Iterator[PrivateServer]:
    """Start a private mariadbd (never the shared server); always stopped and removed."""
    if BACKEND != "mariadb":
        pytest.skip("the PITR rehearsal runs with TEST_BACKEND=mariadb")
    install = shutil.which("mariadb-install-db")
    if not MARIADBD.exists() or not install:
        pytest.skip("mariadbd or mariadb-install-db is not installed: no PITR rehearsal")
    # A short path: a Unix socket's path is limited to about 100 characters.
    base = Path(tempfile.mkdtemp(prefix="mp-pitr-"))
    datadir = base / "data"
    user = ["--user=root"] if os.geteuid() == 0 else []
    process: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            [install, "--no-defaults", f"--datadir={datadir}", "--skip-test-db", *user],
            check=True,
            capture_output=True,
            timeout=60,
        )
        port = _free_port()
        process = subprocess.Popen(
            [
                str(MARIADBD),
                "--no-defaults",
                f"--datadir={datadir}",
                f"--socket={base / 'mariadb.sock'}",
                f"--pid-file={base / 'mariadb.pid'}",
                f"--log-error={base / 'error.log'}",
                f"--port={port}",
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--skip-grant-tables",
                "--log-bin=mysql-bin",
                "--server-id=1",
                "--binlog-format=ROW",
                "--innodb-buffer-pool-size=32M",
                *user,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = PrivateServer(port, datadir)
        deadline = time.monotonic() + 30
        while True:
            try:
                server.execute("SELECT 1")
                break
            except pymysql.err.OperationalError:
                log = (base / "error.log").read_text() if (base / "error.log").exists() else ""
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the private mariadbd did not start:\n{log}") from None
                time.sleep(0.1)
        yield server
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(base, ignore_errors=True)


def _case_ids(app: Flask) -> set[str]:
    with app.app_context():
        ids = set(db.session.scalars(select(Conversation.public_id)))
        db.session.remove()
        return ids


def test_point_in_time_recovery_leaves_out_the_bad_change(
    private_mariadb: PrivateServer, fake_ollama: FakeOllama, tmp_path: Path
) -> None:
    server = private_mariadb
    server.execute("CREATE DATABASE pitr CHARACTER SET utf8mb4")
    server.execute("CREATE DATABASE pitr_restore CHARACTER SET utf8mb4")
    embedded = {"REDIS_URL": None, "SQLALCHEMY_DATABASE_URI": server.url("pitr")}
    config = _test_config(embedded, fake_ollama.url)
    app = _private(create_app(config), tmp_path / "a")
    with app.app_context():
        upgrade()
    api = ApiClient(app)
    letter = {"type": "sprzeciw-nakaz", "fields": dict(NAKAZ_FIELDS)}
    kept, doomed = api.start(document=letter)["id"], api.start(document=letter)["id"]
    path = _backup(app, tmp_path / "backups")
    assert "binlog position: mysql-bin." in _cli(app, "verify", str(path)).output

    # Good changes after the backup, then the mistake: a whole case deleted.
    later = api.start(document=letter)["id"]
    versions = f"{V1}/conversations/{kept}/document/versions"
    edited = {**NAKAZ_FIELDS, "kwota": "777.00"}
    assert api.post(versions, {"fields": edited, "base_version": 1}).status_code == 201
    ((_, good_end, *_),) = server.execute("SHOW MASTER STATUS")
    assert api.delete(f"{V1}/conversations/{doomed}").status_code == 204
    assert _case_ids(app) == {kept, later}

    # Find the bad transaction the way the runbook does.
    listing = _cli(
        app,
        "binlog-events",
        str(path),
        "--binlog-dir",
        str(server.datadir),
        "--grep",
        "delete from conversations",
    )
    assert listing.exit_code == 0, listing.output
    (bad,) = [line.split() for line in listing.output.splitlines()]
    bad_file, bad_position = bad[0], int(bad[1])
    assert bad_position >= good_end

    target = {**config, "SQLALCHEMY_DATABASE_URI": server.url("pitr_restore")}
    restored = _private(create_app(target), tmp_path / "b")
    done = _cli(restored, "restore", str(path), "--yes")
    assert done.exit_code == 0, done.output
    assert _case_ids(restored) == {kept, doomed}  # the backup's moment
    replay = _cli(
        restored,
        "replay-binlog",
        str(path),
        "--binlog-dir",
        str(server.datadir),
        "--stop-file",
        bad_file,
        "--stop-position",
        str(bad_position),
        "--yes",
    )
    assert replay.exit_code == 0, replay.output
    assert _case_ids(restored) == {kept, doomed, later}
    with restored.app_context():
        conversation = db.session.scalar(select(Conversation).filter_by(public_id=kept))
        assert [v.fields.get("kwota") for v in conversation.document.versions] == [
            "1250.00",
            "777.00",
        ]
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()
