"""The PDF viewer page (``/renders/<id>/podglad``): only its owner sees it, only for a finished
PDF; it loads pdf.js from our own static files through data- attributes, with no inline script
and the same strict CSP as every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from app.extensions import db
from app.legal.documents import document_type
from app.models import Render, RenderStatus
from app.security import CSP
from tests.helpers import SAMPLE_FIELDS, Browser, text_of, wait_for

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = "sprzeciw-nakaz"
# The policy as it was before the viewer: pdf.js draws on canvases and runs its worker from
# our own files, so it needs no directive loosened (no blob:, no 'unsafe-eval').
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
FACEBOOK_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.34.109;FBDV/iPhone14,5;FBSN/iOS;FBLC/pl_PL]"
)


def _attribute(page: str, name: str) -> str:
    found = re.search(rf'\b{name}="([^"]*)"', page)
    assert found, name
    return found.group(1)


@pytest.fixture
def render_url(browser: Browser, jobs: None) -> str:
    """The status page of a finished PDF of a case made on the guided path."""
    document = document_type(DOCUMENT)
    assert document is not None
    data = {field.key: SAMPLE_FIELDS.get(field.key, "") for field in document.fields}
    browser.get(f"/pisma/pismo/{DOCUMENT}")
    created = browser.post(f"/pisma/pismo/{DOCUMENT}", data)
    assert created.status_code == 302, text_of(created)[:2000]
    case_url = created.headers["Location"].split("#", 1)[0]
    response = browser.post(f"{case_url}/renders")
    assert response.status_code == 302
    url = response.headers["Location"]
    wait_for(lambda: "PDF jest gotowy" in text_of(browser.get(url)))
    return url


def _set_status(app: Flask, status: RenderStatus) -> None:
    with app.app_context():
        render = db.session.scalars(db.select(Render)).one()
        render.status = status
        db.session.commit()


def test_status_links_to_the_viewer_and_to_the_file(browser: Browser, render_url: str) -> None:
    page = text_of(browser.get(render_url))
    assert f'href="{render_url}/podglad">Otwórz PDF</a>' in page
    assert f'href="{render_url}/pdf">Otwórz plik PDF</a>' in page
    assert f'href="{render_url}/pdf?download=1">Pobierz PDF</a>' in page


def test_viewer_page(browser: Browser, render_url: str) -> None:
    response = browser.get(f"{render_url}/podglad")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = text_of(response)
    assert "<h1>Twoje pismo w PDF</h1>" in page and "1 strona" in page
    case_url = render_url.split("/renders/", 1)[0]
    assert f'href="{case_url}#pismo">← Wróć do sprawy</a>' in page
    assert 'id="case-deadline"' in page
    # Without JavaScript: plain links to the file; "Drukuj" waits for the pages (hidden).
    assert f'href="{render_url}/pdf" data-pdf-open>Otwórz PDF</a>' in page
    assert f'href="{render_url}/pdf?download=1">Pobierz PDF</a>' in page
    assert re.search(r"<button[^>]*\bdata-pdf-print hidden>Drukuj</button>", page)

    # What the script needs comes in data- attributes, and it all exists.
    assert _attribute(page, "data-pdf") == f"{render_url}/pdf"
    library = _attribute(page, "data-pdfjs")
    worker = _attribute(page, "data-pdfjs-worker")
    assert re.fullmatch(r"/static/vendor/pdfjs-\d+\.\d+\.\d+\.min\.js", library), library
    assert re.fullmatch(r"/static/vendor/pdfjs-worker-\d+\.\d+\.\d+\.min\.js", worker), worker
    for url in (library, worker, "/static/js/pdf-viewer.js"):
        served = browser.get(url)
        assert served.status_code == 200, url
        assert served.mimetype in ("text/javascript", "application/javascript"), url
    pdf = browser.get(_attribute(page, "data-pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" not in pdf.headers.get("Content-Disposition", "")

    # Scripts only from our own files: the viewer's module, no inline code, no inline style.
    scripts = re.findall(r"<script[^>]*>", page)
    assert '<script type="module" src="/static/js/pdf-viewer.js">' in scripts
    for tag in scripts:
        assert re.fullmatch(r'<script (?:type="module" )?src="/static/[\w./-]+\.js"( defer)?>', tag)
    assert page.count("</script>") == len(scripts)
    assert not re.search(r"<script[^>]*>[^<]", page)
    assert 'style="' not in page and "<style" not in page
    # The module reads its URLs from the page; it names no file of its own.
    module = (ROOT / "static/js/pdf-viewer.js").read_text()
    assert "/static/" not in module and "dataset.pdf" in module

    # The same policy as everywhere, nothing loosened for pdf.js.
    csp = response.headers["Content-Security-Policy"]
    assert csp == CSP == EXPECTED_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_viewer_in_an_apps_own_browser(browser: Browser, render_url: str) -> None:
    page = text_of(browser.get(f"{render_url}/podglad", headers={"User-Agent": FACEBOOK_IOS}))
    assert 'id="inapp-notice"' in page
    # It cannot print there; the link to the file stays even when the pages are shown.
    assert "Drukuj" not in page and "data-pdf-print" not in page
    assert f'href="{render_url}/pdf">Otwórz PDF</a>' in page


def test_viewer_is_404_for_anyone_else(
    browser: Browser, other_browser: Browser, render_url: str
) -> None:
    their_case = other_browser.start(topic="mandat")
    render_id = render_url.rsplit("/", 1)[1]
    for url in (f"{render_url}/podglad", f"{their_case}/renders/{render_id}/podglad"):
        response = other_browser.get(url)
        assert response.status_code == 404, url
        assert "data-pdf" not in text_of(response)
    case_url = render_url.split("/renders/", 1)[0]
    assert browser.get(f"{case_url}/renders/{'A' * 22}/podglad").status_code == 404


@pytest.mark.parametrize(
    "status", [RenderStatus.QUEUED, RenderStatus.RUNNING, RenderStatus.FAILED], ids=str
)
def test_viewer_is_404_until_the_pdf_is_finished(
    app: Flask, browser: Browser, render_url: str, status: RenderStatus
) -> None:
    _set_status(app, status)
    assert browser.get(f"{render_url}/podglad").status_code == 404
    assert browser.get(f"{render_url}/pdf").status_code == 404
