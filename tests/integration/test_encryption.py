"""Encryption at rest: a canary written everywhere a person's case goes is found nowhere in
the database, the stored files or Redis when read without the app, yet the app shows it all;
keys rotate; a wrong key fails loudly."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import create_engine, select, text, update

from app import create_app, crypto
from app.extensions import db
from app.models import Conversation, DocumentVersion, Message, Render, Role
from app.services import renders, storage
from tests.conftest import TABLES, TEST_ENCRYPTION_KEY, _test_config
from tests.fake_ollama import FakeOllama
from tests.helpers import NAKAZ_FIELDS, ApiClient, Browser, text_of, wait_for

CANARY = "Zażółć gęślą jaźń Kowalski 12-345"
PARTS = CANARY.split()
NEW_KEY = "bmV3LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzLTAwMDA="
V1 = "/api/v1"


def _canary_case(app: Flask, browser: Browser, fake_ollama: FakeOllama) -> dict[str, Any]:
    """A chat (message, reply, title) and a letter (fields, signatory, PDF) with the canary."""
    fake_ollama.push_reply(f"Odpowiedź dla: {CANARY}.")
    chat_url = browser.start(CANARY)
    api = ApiClient(app)
    fields = {
        **NAKAZ_FIELDS,
        "imie_nazwisko": "Jaźń Kowalski",
        "adres": "ul. Zażółć 1\n12-345 Gęślą",
        "uzasadnienie": f"Pisze {CANARY}.",
    }
    cid = api.start(document={"type": "sprzeciw-nakaz", "fields": fields})["id"]
    started = api.post(f"{V1}/conversations/{cid}/renders")
    assert started.status_code == 202, started.get_json()
    url = started.headers["Location"]
    done = wait_for(
        lambda: (r := api.get(url).get_json())["status"] in ("done", "failed") and r, timeout=60
    )
    assert done["status"] == "done", done
    return {"chat_url": chat_url, "api": api, "cid": cid, "pdf_url": done["pdf_url"]}


def _fail_a_render_with_the_canary(app: Flask, cid: str) -> None:
    """A second (not live) render of the letter, failed with the canary in its error: through
    ``update(Render).values(error=...)``, an ORM-enabled Core update."""
    with app.app_context():
        conversation = db.session.scalar(select(Conversation).filter_by(public_id=cid))
        render = Render(version=conversation.document.current, live=False)
        db.session.add(render)
        db.session.commit()
        assert renders.mark_failed(render, f"ValueError: {CANARY}")


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _assert_app_shows_everything(app: Flask, browser: Browser, case: dict[str, Any]) -> None:
    page = text_of(browser.get(case["chat_url"]))
    assert CANARY in page.split("</title>", 1)[0]  # the title
    assert page.count(CANARY) >= 3  # title, message, reply
    api: ApiClient = case["api"]
    version = api.get(f"{V1}/conversations/{case['cid']}/document/versions/1").get_json()
    assert version["fields"]["uzasadnienie"] == f"Pisze {CANARY}."
    pdf = api.get(case["pdf_url"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "Kowalski" in _pdf_text(pdf.data)
    with app.app_context():
        conversation = db.session.scalar(select(Conversation).filter_by(public_id=case["cid"]))
        assert conversation.document.signatory == "Jaźń Kowalski"
        errors = db.session.scalars(select(Render.error).where(Render.error.is_not(None))).all()
        assert f"ValueError: {CANARY}" in errors


def _database_rows(app: Flask) -> Iterator[tuple[str, str]]:
    """Every row of every table as text, read by a plain client (no app types)."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            for table in TABLES:
                for row in connection.execute(text(f"SELECT * FROM {table}")):  # nosec B608
                    yield table, " ".join(str(value) for value in row)
    finally:
        engine.dispose()


def _redis_values(app: Flask) -> Iterator[tuple[str, bytes]]:
    """Every key the app wrote to Redis (its name, and its values as bytes)."""
    from redis import Redis

    redis = Redis.from_url(app.config["REDIS_URL"])
    try:
        for key in redis.scan_iter():
            kind = redis.type(key).decode()
            values: list[bytes] = [key]
            if kind == "string":
                values.append(redis.get(key) or b"")
            elif kind == "hash":
                values += [v for pair in redis.hgetall(key).items() for v in pair]
            elif kind == "list":
                values += redis.lrange(key, 0, -1)
            elif kind in ("set", "zset"):
                values += redis.zrange(key, 0, -1) if kind == "zset" else list(redis.smembers(key))
            elif kind == "stream":
                values += [v for _, fields in redis.xrange(key) for p in fields.items() for v in p]
            for value in values:
                yield key.decode(), value
                yield key.decode(), _inflated(value)  # RQ stores a job's data compressed
    finally:
        redis.close()


def _inflated(value: bytes) -> bytes:
    try:
        return zlib.decompress(value)
    except zlib.error:
        return b""


def _assert_no_canary(found: bytes | str, where: str) -> None:
    blob = found if isinstance(found, bytes) else found.encode()
    for part in PARTS:
        assert part.encode() not in blob, f"{part!r} in {where}"
        assert part.lower().encode() not in blob.lower(), f"{part!r} in {where}"


def test_the_canary_is_nowhere_at_rest_and_shown_everywhere(
    app: Flask, browser: Browser, fake_ollama: FakeOllama, jobs: None
) -> None:
    case = _canary_case(app, browser, fake_ollama)
    _fail_a_render_with_the_canary(app, case["cid"])
    _assert_app_shows_everything(app, browser, case)

    for table, row in _database_rows(app):
        _assert_no_canary(row, table)
    stored = [path for path in Path(app.config["STORAGE_DIR"]).rglob("*") if path.is_file()]
    assert any(path.suffix == ".pdf" for path in stored)
    for path in stored:
        data = path.read_bytes()
        assert not data.startswith(b"%PDF"), path
        _assert_no_canary(data, str(path))
    if app.config["REDIS_URL"]:
        keys = set()
        for key, value in _redis_values(app):
            keys.add(key)
            _assert_no_canary(value, key)
        assert any(key.startswith("mikroporada:gen:") for key in keys)  # the reply's chunks


def test_an_orm_enabled_update_encrypts_its_values(app: Flask, browser: Browser) -> None:
    url = browser.start(topic="nakaz-zaplaty")
    with app.app_context():
        conversation = db.session.scalar(select(Conversation))
        db.session.execute(
            update(Conversation).where(Conversation.id == conversation.id).values(title=CANARY)
        )
        db.session.commit()
        raw = db.session.execute(
            text("SELECT title FROM conversations WHERE id = :i"), {"i": conversation.id}
        ).scalar_one()
        assert CANARY not in raw and crypto.decrypt(raw.encode()).decode() == CANARY
        db.session.expire_all()
        assert db.session.get(Conversation, conversation.id).title == CANARY
    assert CANARY in text_of(browser.get(url))


def _app_with(migrated: dict[str, Any], fake_ollama: FakeOllama, keys: list[str]) -> Flask:
    return create_app({**_test_config(migrated, fake_ollama.url), "ENCRYPTION_KEYS": keys})


def _cli(application: Flask, *args: str) -> Result:
    return application.test_cli_runner().invoke(args=["encryption", *args])


def test_keys_rotate_and_a_wrong_key_fails_loudly(
    app: Flask,
    browser: Browser,
    fake_ollama: FakeOllama,
    jobs: None,
    migrated: dict[str, Any],
) -> None:
    case = _canary_case(app, browser, fake_ollama)
    _fail_a_render_with_the_canary(app, case["cid"])
    root = app.config["STORAGE_DIR"]

    try:
        # The new key first, the old one still listed: everything reads, then moves to the new.
        both = _app_with(migrated, fake_ollama, [NEW_KEY, TEST_ENCRYPTION_KEY])
        checked = _cli(both, "check")
        assert checked.exit_code == 0, checked.output
        assert "older key" in checked.output
        rotated = _cli(both, "rotate")
        assert rotated.exit_code == 0, rotated.output
        assert "re-encrypted under the newest key" in rotated.output
        again = _cli(both, "rotate")
        assert again.exit_code == 0 and "Done: 0 re-encrypted" in again.output, again.output

        # The new key alone reads every page, value and PDF.
        only_new = _app_with(migrated, fake_ollama, [NEW_KEY])
        assert _cli(only_new, "check").exit_code == 0
        _assert_app_shows_everything(only_new, _same_browser(only_new, browser), case)
        with only_new.app_context():
            for relative in _files(root):
                assert storage.read_encrypted(root, relative).startswith(b"%PDF")

        # The old key alone opens nothing now: the check fails, pages fail, nothing is garbage.
        only_old = _app_with(migrated, fake_ollama, [TEST_ENCRYPTION_KEY])
        failed = _cli(only_old, "check")
        assert failed.exit_code != 0 and "open with none of the keys" in failed.output
        with only_old.app_context(), pytest.raises(crypto.DecryptionError):
            db.session.scalars(select(Message)).all()
        with only_old.app_context(), pytest.raises(crypto.DecryptionError):
            storage.read_encrypted(root, next(iter(_files(root))))
        page = _same_browser(only_old, browser).get(case["chat_url"])
        assert page.status_code == 500 and CANARY not in text_of(page)
        ready = only_old.test_client().get("/readyz")
        body = text_of(ready)
        assert ready.status_code == 503
        assert ready.get_json()["checks"]["encryption"] == {"ok": False, "detail": "wrong_key"}
        assert NEW_KEY not in body and TEST_ENCRYPTION_KEY not in body
    finally:
        _restore_test_key(migrated, fake_ollama, [NEW_KEY, TEST_ENCRYPTION_KEY])


def _same_browser(application: Flask, browser: Browser) -> Browser:
    """The same browser session (its signed cookie) on another app object."""
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    client = application.test_client()
    client.set_cookie("session", cookie.value)
    return Browser(client)


def _files(root: str) -> list[str]:
    from app.services.encryption import stored_files

    return list(stored_files(root))


def _restore_test_key(migrated: dict[str, Any], fake_ollama: FakeOllama, keys: list[str]) -> None:
    """Put every value and file back under the suite's key, for the workers' sake."""
    back = _app_with(migrated, fake_ollama, [TEST_ENCRYPTION_KEY, *keys])
    assert _cli(back, "rotate").exit_code == 0


def test_readyz_checks_the_keys(app: Flask, browser: Browser) -> None:
    browser.start(topic="nakaz-zaplaty")
    with app.app_context():
        conversation = db.session.scalar(select(Conversation))
        db.session.add(Message(conversation=conversation, content=CANARY, role=Role.USER))
        db.session.commit()
    ready = app.test_client().get("/readyz").get_json()
    assert ready["checks"]["encryption"] == {"ok": True}


def test_the_migration_encrypts_existing_rows_and_decrypts_them_back(app: Flask) -> None:
    """0007 -> 0008 with plain rows present (a title as long as VARCHAR(200) allowed), and back."""
    from flask_migrate import downgrade, upgrade

    long_title = "Ż" * 200
    root = app.config["STORAGE_DIR"]
    pdf = storage.render_path("plainrender000001")
    plain_pdf = b"%PDF-1.7 " + CANARY.encode()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        downgrade(revision="0007")
        try:
            with db.engine.begin() as connection:
                _insert_plain_rows(connection, long_title)
            storage.write_atomic(root, pdf, plain_pdf)  # rendered before 0008
            upgrade(revision="0008")
            assert b"Kowalski" not in storage.resolve(root, pdf).read_bytes()
            assert storage.read_encrypted(root, pdf) == plain_pdf
            with db.engine.connect() as connection:
                raw = connection.execute(text("SELECT title FROM conversations")).scalar_one()
                content = connection.execute(text("SELECT content FROM messages")).scalar_one()
                fields = connection.execute(
                    text("SELECT fields FROM document_versions")
                ).scalar_one()
            assert raw.startswith("gAAAAA") and "Ż" not in raw
            assert "Kowalski" not in content and "Kowalski" not in fields
            db.session.remove()
            assert db.session.scalar(select(Conversation.title)) == long_title
            assert db.session.scalar(select(Message.content)) == CANARY
            version = db.session.scalar(select(DocumentVersion))
            assert version.fields == {"imie_nazwisko": "Jaźń Kowalski"}
            assert version.document.signatory == "Jaźń Kowalski"
            assert db.session.scalar(select(Render.error)) == CANARY
            db.session.remove()
            db.engine.dispose()
            downgrade(revision="0007")
            with db.engine.connect() as connection:
                plain = connection.execute(text("SELECT title FROM conversations")).scalar_one()
                error = connection.execute(text("SELECT error FROM renders")).scalar_one()
            assert (plain, error) == (long_title, CANARY)
            assert storage.resolve(root, pdf).read_bytes() == plain_pdf
        finally:
            db.engine.dispose()
            upgrade()
            storage.resolve(root, pdf).unlink(missing_ok=True)


def _insert_plain_rows(connection: Any, title: str) -> None:
    """One row in every table with an encrypted column, as 0007 stored them (plain text)."""
    moment = "2026-11-27 12:00:00"
    connection.execute(
        text(
            "INSERT INTO conversations (id, public_id, title, created_at, updated_at)"
            " VALUES (1, 'plainconversation1', :t, :m, :m)"
        ),
        {"t": title, "m": moment},
    )
    connection.execute(
        text(
            "INSERT INTO messages (id, conversation_id, role, content, status, kind, html,"
            " request, created_at) VALUES (1, 1, 'user', :c, 'complete', 'chat', :h, NULL, :m)"
        ),
        {"c": CANARY, "h": f"<p>{CANARY}</p>", "m": moment},
    )
    connection.execute(
        text(
            "INSERT INTO documents (id, public_id, conversation_id, title, signatory,"
            " created_at, updated_at) VALUES (1, 'plaindocument0001', 1, 'Sprzeciw', :s, :m, :m)"
        ),
        {"s": "Jaźń Kowalski", "m": moment},
    )
    connection.execute(
        text(
            "INSERT INTO document_versions (id, document_id, number, author, html, fields,"
            " created_at) VALUES (1, 1, 1, 'person', :h, :f, :m)"
        ),
        {"h": f"<p>{CANARY}</p>", "f": '{"imie_nazwisko": "Jaźń Kowalski"}', "m": moment},
    )
    connection.execute(
        text(
            "INSERT INTO renders (id, public_id, version_id, status, error, queued_at)"
            " VALUES (1, 'plainrender000001', 1, 'failed', :e, :m)"
        ),
        {"e": CANARY, "m": moment},
    )
