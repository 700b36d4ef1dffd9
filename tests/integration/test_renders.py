"""PDF renders through the real job path: RQ + worker.py on MariaDB, a thread on SQLite."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from flask import Flask
from pypdf import PdfReader

from app.extensions import db
from app.models import Render, RenderStatus
from app.models.base import utcnow
from app.services import storage
from tests.canary import Canary, hostile_html
from tests.helpers import Browser, text_of, wait_for

POLISH = "Zażółć gęślą jaźń — ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż"


def _render(app: Flask) -> Render:
    with app.app_context():
        render = db.session.scalars(db.select(Render)).one()
        db.session.expunge(render)
        return render


def _renders(app: Flask) -> list[Render]:
    with app.app_context():
        found = db.session.scalars(db.select(Render)).all()
        db.session.expunge_all()
        return list(found)


def _make_pdf(browser: Browser, html: str) -> str:
    url = browser.start()
    browser.post(f"{url}/document", {"html": html, "base_version": "0"})
    response = browser.post(f"{url}/renders")
    assert response.status_code == 302
    return response.headers["Location"]


def test_pdf_flow(app: Flask, browser: Browser, jobs: None) -> None:
    status_url = _make_pdf(browser, f"<h1>Wniosek</h1><p>{POLISH}</p>")
    first = text_of(browser.get(status_url))
    assert 'http-equiv="refresh"' not in first
    if "PDF jest gotowy" not in first:
        # Updated in place by htmx; without JavaScript the person presses "Odśwież".
        assert 'hx-trigger="every 1s"' in first and ">Odśwież</a>" in first
    page = wait_for(
        lambda: (p := text_of(browser.get(status_url))) and "PDF jest gotowy" in p and p
    )
    assert 'http-equiv="refresh"' not in page
    assert "1 strona" in page
    inline = browser.get(f"{status_url}/pdf")
    assert inline.status_code == 200
    assert inline.mimetype == "application/pdf"
    assert "attachment" not in inline.headers.get("Content-Disposition", "")
    download = browser.get(f"{status_url}/pdf?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.data == inline.data
    text = PdfReader(io.BytesIO(download.data)).pages[0].extract_text()
    assert POLISH in text
    render = _render(app)
    assert render.status == RenderStatus.DONE
    assert render.size_bytes == len(download.data) and render.pages == 1
    assert render.sha256 and len(render.sha256) == 64
    assert render.render_ms is not None and render.started_at and render.finished_at
    stored = Path(app.config["STORAGE_DIR"]) / render.file_path
    # Encrypted at rest: the file is a token, and it opens to the PDF that was sent.
    assert not stored.read_bytes().startswith(b"%PDF")
    with app.app_context():
        assert storage.read_encrypted(app.config["STORAGE_DIR"], render.file_path) == download.data
    assert not list(stored.parent.glob(".tmp-*"))


def test_hostile_document_fetches_nothing(
    app: Flask, browser: Browser, jobs: None, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TAJNE-HASLO-12345")
    with Canary() as canary:
        status_url = _make_pdf(browser, hostile_html(canary.url, str(secret)))
        wait_for(lambda: "PDF jest gotowy" in text_of(browser.get(status_url)))
        data = browser.get(f"{status_url}/pdf").data
        assert canary.hits == []
    reader = PdfReader(io.BytesIO(data))
    assert reader.attachments == {}
    text = "".join(page.extract_text() for page in reader.pages)
    assert "komórka" in text and "TAJNE-HASLO" not in text


def test_pdf_without_document(browser: Browser) -> None:
    url = browser.start()
    response = browser.post(f"{url}/renders")
    assert response.status_code == 302
    assert "nie ma jeszcze pisma" in text_of(browser.get(url))


def test_pdf_of_unfinished_render_is_404(app: Flask, browser: Browser) -> None:
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"  # nothing listens: the job never runs
    status_url = _make_pdf(browser, "<p>x</p>")
    with app.app_context():
        render = db.session.scalars(db.select(Render)).one()
        # Back to a live queued render (as if the queue had taken it).
        render.status, render.error, render.finished_at = RenderStatus.QUEUED, None, None
        render.live = True
        db.session.commit()
    page = text_of(browser.get(status_url))
    assert "Czekamy w kolejce" in page and ">Odśwież</a>" in page
    assert 'http-equiv="refresh"' not in page
    assert browser.get(f"{status_url}/pdf").status_code == 404


def test_queue_down_fails_clearly_and_keeps_the_letter(app: Flask, browser: Browser) -> None:
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"
    status_url = _make_pdf(browser, "<p>Moje pismo</p>")
    page = text_of(browser.get(status_url))
    assert "Kolejka tworzenia plików PDF jest teraz niedostępna" in page
    assert "Spróbuj ponownie" in page
    conversation = status_url.split("/renders/")[0]
    assert "Moje pismo" in text_of(browser.get(conversation))


def test_stuck_render_is_failed_after_the_deadline(app: Flask, browser: Browser) -> None:
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"
    status_url = _make_pdf(browser, "<p>x</p>")
    with app.app_context():
        render = db.session.scalars(db.select(Render)).one()
        render.status = RenderStatus.RUNNING
        render.error = None
        render.finished_at = None
        render.started_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    page = text_of(browser.get(status_url))
    assert "zaginęło" in page
    assert _render(app).status == RenderStatus.FAILED


def test_save_and_pdf_renders_the_edit(app: Flask, browser: Browser, jobs: None) -> None:
    url = browser.start()
    browser.post(f"{url}/document", {"html": "<p>Stara treść</p>", "base_version": "0"})
    response = browser.post(
        f"{url}/document", {"html": "<h1>Nowa treść</h1>", "base_version": "1", "then": "pdf"}
    )
    status_url = response.headers["Location"]
    assert "/renders/" in status_url
    wait_for(lambda: "PDF jest gotowy" in text_of(browser.get(status_url)))
    reader = PdfReader(io.BytesIO(browser.get(f"{status_url}/pdf").data))
    assert "Nowa treść" in reader.pages[0].extract_text()
    assert reader.metadata is not None and reader.metadata.title == "Nowa treść"


def test_a_rendered_version_is_not_rendered_twice(app: Flask, browser: Browser, jobs: None) -> None:
    status_url = _make_pdf(browser, "<p>Raz</p>")
    wait_for(lambda: "PDF jest gotowy" in text_of(browser.get(status_url)))
    conversation = status_url.split("/renders/")[0]
    again = browser.post(f"{conversation}/renders").headers["Location"]
    assert again == status_url
    with app.app_context():
        assert len(db.session.scalars(db.select(Render)).all()) == 1


def test_save_and_pdf_with_a_refused_save_makes_no_render(app: Flask, browser: Browser) -> None:
    url = browser.start()
    response = browser.post(
        f"{url}/document", {"html": "<p> </p>", "base_version": "0", "then": "pdf"}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalars(db.select(Render)).all() == []


def test_save_and_pdf_shares_the_render_limit(app: Flask, browser: Browser, jobs: None) -> None:
    app.config["RATELIMIT_RENDERS"] = "2 per minute"
    url = browser.start()
    browser.post(f"{url}/document", {"html": "<p>1</p>", "base_version": "0"})
    assert browser.post(f"{url}/renders").status_code == 302
    second = browser.post(
        f"{url}/document", {"html": "<p>2</p>", "base_version": "1", "then": "pdf"}
    )
    assert "/renders/" in second.headers["Location"]
    third = browser.post(
        f"{url}/document", {"html": "<p>3</p>", "base_version": "2", "then": "pdf"}
    )
    assert third.headers["Location"].endswith("#pismo")
    assert "Za dużo prób" in text_of(browser.get(url))
    with app.app_context():
        assert len(db.session.scalars(db.select(Render)).all()) == 2
    assert browser.post(f"{url}/renders").status_code == 429
    wait_for(lambda: all(r.finished for r in _renders(app)))


def test_a_queued_render_is_reused_and_a_lost_file_is_rendered_again(
    app: Flask, browser: Browser, jobs: None
) -> None:
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"
    status_url = _make_pdf(browser, "<p>x</p>")
    conversation = status_url.split("/renders/")[0]
    with app.app_context():
        render = db.session.scalars(db.select(Render)).one()
        # Back to a live queued render (as if the queue had taken it).
        render.status, render.error, render.finished_at = RenderStatus.QUEUED, None, None
        render.live = True
        db.session.commit()
    assert browser.post(f"{conversation}/renders").headers["Location"] == status_url
    with app.app_context():
        render = db.session.scalars(db.select(Render)).one()
        render.status, render.file_path = RenderStatus.DONE, "renders/xx/missing-file.pdf"
        db.session.commit()
    again = browser.post(f"{conversation}/renders").headers["Location"]
    assert again != status_url
