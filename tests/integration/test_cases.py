"""A browser's cases: the list on the landing page, deleting them, and the retention purge."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.exc import OperationalError

from app import clients
from app.extensions import db
from app.legal.documents import document_type
from app.models import (
    Conversation,
    ConversationOwner,
    Document,
    DocumentVersion,
    Message,
    Render,
    RenderStatus,
    TransferCode,
)
from app.models.base import utcnow
from app.services import cases, generation, pdf, renders, storage
from app.tasks.generate import generate
from app.tasks.render import render_pdf
from tests.fake_ollama import FakeOllama
from tests.helpers import SAMPLE_FIELDS, Browser, text_of, wait_for

CODE = re.compile(r'<p class="transfer-code"[^>]*><strong[^>]*>([A-Z0-9]{5}-[A-Z0-9]{5})</strong>')
RETENTION_NOTE = "Sprawy nieużywane przez 30 dni usuwamy automatycznie."
LONG = "".join(f"zdanie{i:03d} " for i in range(300))


def _letter_case(browser: Browser) -> str:
    """A case with a letter (version 1), made on the guided path; returns its URL."""
    document = document_type("sprzeciw-nakaz")
    assert document is not None
    values = {field.key: SAMPLE_FIELDS.get(field.key, "") for field in document.fields}
    response = browser.post("/pisma/pismo/sprzeciw-nakaz", values)
    assert response.status_code == 302, text_of(response)[:2000]
    return response.headers["Location"].split("#", 1)[0]


def _pdf(browser: Browser, url: str) -> str:
    """Make the PDF of the current version and wait until it is ready; returns its URL."""
    response = browser.post(f"{url}/renders")
    assert response.status_code == 302, response.headers.get("Location")
    status_url = response.headers["Location"]
    wait_for(lambda: "PDF jest gotowy" in text_of(browser.get(status_url)))
    return f"{status_url}/pdf"


def _public_id(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def _case_id(app: Flask, url: str) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(Conversation.id).where(Conversation.public_id == _public_id(url))
        )
        assert found is not None
        return found


def _rows(app: Flask, case_id: int) -> dict[str, int]:
    """How many rows of each kind belong to the case."""
    letters = select(Document.id).where(Document.conversation_id == case_id)
    versions = select(DocumentVersion.id).where(DocumentVersion.document_id.in_(letters))
    queries = {
        "conversations": select(func.count())
        .select_from(Conversation)
        .where(Conversation.id == case_id),
        "messages": select(func.count()).where(Message.conversation_id == case_id),
        "documents": select(func.count()).where(Document.conversation_id == case_id),
        "versions": select(func.count()).where(DocumentVersion.id.in_(versions)),
        "renders": select(func.count()).where(Render.version_id.in_(versions)),
        "owners": select(func.count()).where(ConversationOwner.conversation_id == case_id),
        "transfer_codes": select(func.count()).where(TransferCode.conversation_id == case_id),
    }
    with app.app_context():
        return {name: db.session.scalar(query) for name, query in queries.items()}


def _pdf_files(app: Flask, case_id: int) -> list[Path]:
    """The files the case's renders point to (or would be written to)."""
    with app.app_context():
        found = db.session.execute(
            select(Render.public_id, Render.file_path)
            .join(DocumentVersion)
            .join(Document)
            .where(Document.conversation_id == case_id)
        ).all()
        root = app.config["STORAGE_DIR"]
        return [
            storage.resolve(root, path or storage.render_path(public_id))
            for public_id, path in found
        ]


def _age(app: Flask, case_id: int, days: float) -> datetime:
    """Make the case look untouched for ``days`` days; returns the new updated_at."""
    moment = utcnow() - timedelta(days=days)
    with app.app_context():
        db.session.execute(
            update(Conversation).where(Conversation.id == case_id).values(updated_at=moment)
        )
        db.session.commit()
    return moment


def _updated_at(app: Flask, case_id: int) -> datetime:
    with app.app_context():
        return db.session.scalar(select(Conversation.updated_at).where(Conversation.id == case_id))


def _share(browser: Browser, other: Browser, url: str) -> None:
    """Give the other browser the case with a transfer code, and leave one unused code."""
    for _ in range(2):
        response = browser.get(browser.post(f"{url}/przenies").headers["Location"])
        found = CODE.search(text_of(response))
        assert found, text_of(response)[:2000]
    assert other.post("/przenies", {"code": found.group(1)}).status_code == 302
    assert other.get(url).status_code == 200


# -- the list ------------------------------------------------------------------------------------


def test_the_landing_page_lists_only_this_browsers_cases(
    app: Flask, browser: Browser, other_browser: Browser, jobs: None
) -> None:
    assert "Twoje sprawy" not in text_of(browser.get("/"))
    letter = _letter_case(browser)
    chat = browser.start(topic="mandat")
    page = text_of(browser.get("/"))
    assert 'id="twoje-sprawy"' in page and RETENTION_NOTE in page
    assert f'href="{letter}"' in page and f'href="{chat}"' in page
    assert "pismo gotowe (wersja 1)" in page and "bez pisma" in page
    # The letter's own deadline in short form (2 weeks from the sample service date).
    assert re.search(r"Termin: do \w+, \d+ \w+|Termin: dziś|Termin minął \d+ \w+ \d{4} r\.", page)
    assert "bez terminu" in page  # the chat case has no document yet
    assert 'href="/moje-sprawy/usun"' in page

    _pdf(browser, letter)
    assert "PDF gotowy (wersja 1)" in text_of(browser.get("/"))

    # Another browser, and one that has never been here, see nothing of them.
    for stranger in (other_browser, Browser(app.test_client())):
        other_page = text_of(stranger.get("/"))
        assert "Twoje sprawy" not in other_page
        assert letter not in other_page and chat not in other_page
    other_browser.start(topic="rodo")
    other_page = text_of(other_browser.get("/"))
    assert "Twoje sprawy" in other_page and letter not in other_page


def test_the_list_costs_the_same_queries_for_one_case_or_many(app: Flask, browser: Browser) -> None:
    _letter_case(browser)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        browser.get("/")
        one = len(statements)
        for _ in range(4):
            _letter_case(browser)
            browser.start(topic="mandat")
        statements.clear()
        page = text_of(browser.get("/"))
        many = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.count('class="case-link') == 9
    assert many == one, statements


# -- deleting one case ---------------------------------------------------------------------------


def test_deleting_a_case_removes_every_row_and_file(
    app: Flask, browser: Browser, other_browser: Browser, jobs: None
) -> None:
    url = _letter_case(browser)
    browser.send(url, "Czy zdążę wysłać sprzeciw?")
    first_pdf = _pdf(browser, url)
    saved = browser.post(f"{url}/document", {"html": "<p>Moja wersja</p>", "base_version": "1"})
    assert saved.status_code == 302
    second_pdf = _pdf(browser, url)
    _share(browser, other_browser, url)
    case_id = _case_id(app, url)
    before = _rows(app, case_id)
    assert before == {
        "conversations": 1,
        "messages": 2,
        "documents": 1,
        "versions": 2,
        "renders": 2,
        "owners": 2,
        "transfer_codes": 2,
    }
    files = _pdf_files(app, case_id)
    assert len(files) == 2 and all(path.is_file() for path in files)
    # A file already gone is fine.
    files[0].unlink()

    # The case page links to the confirmation; asking changes nothing, however often, and
    # says the case goes for everyone who has it.
    assert f'href="{url}/usun"' in text_of(browser.get(url))
    for _ in range(2):
        page = text_of(browser.get(f"{url}/usun"))
        assert "Tego nie da się cofnąć" in page and "Zniknie również tam" in page
        assert f'action="{url}/usun"' in page
    assert _rows(app, case_id) == before and files[1].is_file()

    response = browser.post(f"{url}/usun")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    landing = text_of(browser.get("/"))
    assert "Sprawa została usunięta" in landing and url not in landing
    assert set(_rows(app, case_id).values()) == {0}
    assert not any(path.exists() for path in files)
    for who in (browser, other_browser):
        assert who.get(url).status_code == 404
        assert who.get(first_pdf).status_code == 404
        assert who.get(second_pdf).status_code == 404
        assert who.get(f"{url}/usun").status_code == 404


def test_a_stranger_cannot_delete_a_case(
    app: Flask, browser: Browser, other_browser: Browser
) -> None:
    url = _letter_case(browser)
    case_id = _case_id(app, url)
    before = _rows(app, case_id)
    other_browser.get("/")
    assert other_browser.get(f"{url}/usun").status_code == 404
    assert other_browser.post(f"{url}/usun").status_code == 404
    assert _rows(app, case_id) == before
    assert browser.get(url).status_code == 200


def test_the_case_page_offers_deletion(app: Flask, browser: Browser) -> None:
    url = _letter_case(browser)
    with app.test_request_context():
        case = db.session.scalar(
            select(Conversation).where(Conversation.public_id == _public_id(url))
        )
        fragment = render_template("conversations/_delete_link.html", conversation=case)
    assert f'href="{url}/usun"' in fragment and "Usuń sprawę" in fragment
    assert RETENTION_NOTE in fragment


def test_deleting_stops_the_reply_being_written(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start(topic="mandat")
    case_id = _case_id(app, url)
    fake_ollama.push_reply(LONG, chunk_size=5, chunk_delay=0.05)
    assert browser.post(f"{url}/messages", {"message": "Opowiedz wszystko"}).status_code == 302
    assert fake_ollama.wait_until(lambda: fake_ollama.active_streams >= 1, 10)

    assert browser.post(f"{url}/usun").status_code == 302
    assert fake_ollama.wait_until(lambda: fake_ollama.active_streams == 0, 10)
    # The job ended without writing anything back into the deleted case.
    assert set(_rows(app, case_id).values()) == {0}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_jobs_for_a_deleted_case_end_quietly(app: Flask, browser: Browser) -> None:
    url = _letter_case(browser)
    root = app.config["STORAGE_DIR"]
    with app.app_context():
        case = db.session.scalar(
            select(Conversation).where(Conversation.public_id == _public_id(url))
        )
        assert case is not None and case.document is not None
        # A render and a model turn recorded but whose jobs have not run yet.
        render, _ = renders.create(case.document.current)
        render_id, render_public = render.id, render.public_id
        turn = generation.start_chat(case, "Pytanie", generation.TurnLimits(50, 30.0))
        turn_id = turn.id
        cases.delete_case(case, storage_dir=root, bus=clients.bus())
    with app.app_context():
        render_pdf(render_id)
        generate(turn_id)
        assert db.session.get(Render, render_id) is None
        assert db.session.get(Message, turn_id) is None
    assert not storage.resolve(root, storage.render_path(render_public)).exists()


def test_a_render_running_while_its_case_is_deleted_leaves_no_file(
    app: Flask, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _letter_case(browser)
    root = app.config["STORAGE_DIR"]
    real = pdf.render_letter

    def deleted_meanwhile(*args: Any, **kwargs: Any) -> pdf.PdfResult:
        result = real(*args, **kwargs)
        # Another process deletes the case while the PDF is being made.
        with db.engine.begin() as connection:
            connection.execute(delete(Render).where(Render.id == render_id))
        return result

    monkeypatch.setattr(pdf, "render_letter", deleted_meanwhile)
    with app.app_context():
        case = db.session.scalar(
            select(Conversation).where(Conversation.public_id == _public_id(url))
        )
        render, _ = renders.create(case.document.current)
        render_id, render_public = render.id, render.public_id
        renders.run(render_id, root)  # no exception
        assert db.session.get(Render, render_id) is None
    assert not storage.resolve(root, storage.render_path(render_public)).exists()


# -- deleting every case of a browser ------------------------------------------------------------


def test_deleting_all_of_a_browsers_cases(
    app: Flask, browser: Browser, other_browser: Browser, jobs: None
) -> None:
    letter = _letter_case(browser)
    _pdf(browser, letter)
    chat = browser.start(topic="mandat")
    theirs = _letter_case(other_browser)
    ids = [_case_id(app, letter), _case_id(app, chat)]
    files = _pdf_files(app, ids[0])

    page = text_of(browser.get("/moje-sprawy/usun"))
    assert "Usunąć wszystkie Twoje sprawy?" in page
    assert page.count("<li>") == 2 and 'action="/moje-sprawy/usun"' in page
    assert all(_rows(app, case_id)["conversations"] == 1 for case_id in ids)

    response = browser.post("/moje-sprawy/usun")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    landing = text_of(browser.get("/"))
    assert "Usunęliśmy wszystkie Twoje sprawy" in landing and "Twoje sprawy</h2>" not in landing
    for case_id in ids:
        assert set(_rows(app, case_id).values()) == {0}
    assert files and not any(path.exists() for path in files)
    assert browser.get(letter).status_code == 404 and browser.get(chat).status_code == 404
    # The other browser's case is untouched.
    assert other_browser.get(theirs).status_code == 200
    assert _rows(app, _case_id(app, theirs))["versions"] == 1
    # Nothing left: the page says so and offers no button.
    page = text_of(browser.get("/moje-sprawy/usun"))
    assert "Nie masz żadnych spraw" in page and "<form" not in page.split("<main", 1)[1]


# -- retention -----------------------------------------------------------------------------------


def test_retention_deletes_only_cases_untouched_past_the_limit(
    app: Flask, browser: Browser, jobs: None
) -> None:
    old = _letter_case(browser)
    _pdf(browser, old)
    recent = _letter_case(browser)
    fresh = browser.start(topic="mandat")
    old_id, recent_id, fresh_id = (_case_id(app, url) for url in (old, recent, fresh))
    files = _pdf_files(app, old_id)
    _age(app, old_id, 31)
    _age(app, recent_id, 29)
    root = app.config["STORAGE_DIR"]
    with app.app_context():
        assert cases.purge_untouched(0, storage_dir=root, bus=clients.bus()) == cases.Deleted()
        deleted = cases.purge_untouched(30, storage_dir=root, bus=clients.bus())
    assert deleted == cases.Deleted(cases=1, files=1)
    assert set(_rows(app, old_id).values()) == {0}
    assert not any(path.exists() for path in files)
    assert _rows(app, recent_id)["versions"] == 1 and _rows(app, fresh_id)["conversations"] == 1
    assert browser.get(recent).status_code == 200 and browser.get(old).status_code == 404


def test_the_purge_command(app: Flask, browser: Browser) -> None:
    old = _letter_case(browser)
    kept = _letter_case(browser)
    _age(app, _case_id(app, old), 45)
    runner = app.test_cli_runner()

    app.config["RETENTION_DAYS"] = 0
    result = runner.invoke(args=["purge-old-cases"])
    assert result.exit_code == 0 and "nothing deleted" in result.output
    assert browser.get(old).status_code == 200

    app.config["RETENTION_DAYS"] = 30
    result = runner.invoke(args=["purge-old-cases"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 cases untouched for 30 days" in result.output
    assert browser.get(old).status_code == 404 and browser.get(kept).status_code == 200


def test_updated_at_moves_on_a_message_a_save_and_a_render(
    app: Flask, browser: Browser, jobs: None
) -> None:
    url = _letter_case(browser)
    case_id = _case_id(app, url)

    before = _age(app, case_id, 3)
    browser.send(url, "Czy zdążę?")
    assert _updated_at(app, case_id) > before + timedelta(days=2)

    before = _age(app, case_id, 3)
    saved = browser.post(f"{url}/document", {"html": "<p>Moja wersja</p>", "base_version": "1"})
    assert saved.status_code == 302
    assert _updated_at(app, case_id) > before + timedelta(days=2)

    before = _age(app, case_id, 3)
    _pdf(browser, url)
    assert _updated_at(app, case_id) > before + timedelta(days=2)
    with app.app_context():
        statuses = db.session.scalars(select(Render.status)).all()
    assert statuses == [RenderStatus.DONE]


def test_the_landing_page_says_how_cases_are_kept(app: Flask, browser: Browser) -> None:
    page = text_of(browser.get("/"))
    assert "Model językowy działa na naszym serwerze" in page
    assert "kod przeniesienia" in page and "po 30 dniach nieużywania" in page
    app.config["RETENTION_DAYS"] = 0
    page = text_of(browser.get("/"))
    assert "dniach nieużywania" not in page and "gdy o to poprosisz" in page


def test_the_pdf_worker_purges_once_an_hour(
    app: Flask, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not app.config["REDIS_URL"]:
        pytest.skip("the RQ worker needs the backend with Redis")
    from app.workers.pdf import Supervisor

    first, second = _letter_case(browser), _letter_case(browser)
    _age(app, _case_id(app, first), 40)
    supervisor = Supervisor(app)
    supervisor.upkeep()
    assert browser.get(first).status_code == 404
    # Within the hour it does not run again.
    _age(app, _case_id(app, second), 40)
    supervisor.upkeep()
    assert browser.get(second).status_code == 200
    # A failing purge is logged, never allowed to stop the worker.
    supervisor.last_purge = None

    def broken(*args: Any, **kwargs: Any) -> cases.Deleted:
        raise OperationalError("DELETE", {}, Exception("database down"))

    with app.app_context():
        monkeypatch.setattr(cases, "purge_untouched", broken)
        supervisor.upkeep()
        assert browser.get(second).status_code == 200


def test_a_long_purge_goes_on_in_slices_between_the_workers_beats(
    app: Flask, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backlog is deleted a slice at a time: the PDF worker's loop keeps its key alive in
    between (another worker would otherwise take its live renders for lost)."""
    urls = [_letter_case(browser) for _ in range(3)]
    ids = [_case_id(app, url) for url in urls]
    for case_id in ids:
        _age(app, case_id, 40)
    monkeypatch.setattr(cases, "PURGE_BATCH", 1)
    root = app.config["STORAGE_DIR"]
    with app.app_context():
        first = cases.purge_untouched(30, storage_dir=root, bus=clients.bus(), until=0.0)
    assert (first.cases, first.more) == (1, True)
    assert first.cursor == ids[0]  # where the next slice goes on
    assert [browser.get(url).status_code for url in urls] == [404, 200, 200]
    if not app.config["REDIS_URL"]:
        return
    from app.workers import pdf

    monkeypatch.setattr(pdf, "PURGE_SLICE_S", 0)
    supervisor = pdf.Supervisor(app)
    supervisor.upkeep()
    assert [browser.get(url).status_code for url in urls] == [404, 404, 200]
    assert supervisor.purge_cursor > first.cursor  # the next turn goes on from there
    round_started = supervisor.last_purge
    supervisor.upkeep()  # the last case, still "more" (the slice ended after its batch)
    supervisor.upkeep()  # nothing left: done until the next hour
    assert [browser.get(url).status_code for url in urls] == [404, 404, 404]
    # One round, however many slices: the next starts an hour after this one began.
    assert supervisor.last_purge == round_started and supervisor.purge_cursor == 0
