"""The PDF viewer in a real Chromium with JavaScript on, at a phone's size: pdf.js draws the
letter's pages into canvases in the page, under the strict CSP, from this server only.

The PDF is made for real (a thread on SQLite, ``worker.py`` on MariaDB) from a case made on the
guided path; "Drukuj" prints the page itself, checked through Chromium's print to PDF.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, expect
from pypdf import PdfReader

from app.legal.documents import document_type
from tests.e2e.conftest import ContextFactory
from tests.e2e.test_pdf_status_js import CSP_HOOK, DOCUMENT, PHONE
from tests.helpers import CSRF_FIELD, SAMPLE_FIELDS

VIEWER_URL = re.compile(r"/conversations/[A-Za-z0-9_-]+/renders/[A-Za-z0-9_-]+/podglad$")
# "Drukuj" calls the browser's print; headless Chromium has no dialog, so count the calls.
PRINT_HOOK = "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"
# How many pixels of a canvas are not white: the page was drawn, not just sized.
INKED = """(canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 128) inked += 1;
  return inked;
}"""
A4_POINTS = (595, 842)
# A justification long enough for a letter of more than one page.
LONG_JUSTIFICATION = "\n\n".join(
    f"{number}. Zapłaciłam fakturę przed wniesieniem pozwu, co potwierdza przelew, a powód "
    "wiedział o tym, gdy składał pozew w elektronicznym postępowaniu upominawczym."
    for number in range(1, 11)
)


def _watch(context: BrowserContext, page: Page) -> tuple[list[str], list[str]]:
    """Console errors, page errors and CSP violations; every URL the page requested."""
    problems: list[str] = []
    requested: list[str] = []
    context.expose_function("reportCspViolation", lambda text: problems.append(f"CSP: {text}"))
    context.add_init_script(CSP_HOOK)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_request(request: Request) -> None:
        requested.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    # Context-wide, so the pdf.js worker's and the service worker's requests count too.
    context.on("request", on_request)
    return problems, requested


def _guided_case(page: Page, **changes: str) -> str:
    """Create a case through the guided form's POST, with this browser's cookies; its path."""
    document = document_type(DOCUMENT)
    assert document is not None
    token = CSRF_FIELD.search(page.request.get(f"/pisma/pismo/{DOCUMENT}").text())
    assert token, "the form carries a CSRF token"
    data = {field.key: SAMPLE_FIELDS.get(field.key, "") for field in document.fields}
    response = page.request.post(
        f"/pisma/pismo/{DOCUMENT}",
        form={"csrf_token": token.group(1), **data, **changes},
        max_redirects=0,
    )
    assert response.status == 302, response.text()[:2000]
    return urlsplit(response.headers["location"]).path


def _finished_pdf(page: Page, **changes: str) -> None:
    """A case from the guided form, its PDF made; ends on the PDF's status page."""
    page.goto(_guided_case(page, **changes))
    page.get_by_role("button", name="Utwórz PDF", exact=True).click()
    expect(page.locator(".render")).to_contain_text("PDF jest gotowy", timeout=60_000)


def test_viewer_draws_the_pages_on_a_phone(
    app: Flask, new_context: ContextFactory, jobs: None
) -> None:
    context = new_context(**PHONE)
    page = context.new_page()
    problems, requested = _watch(context, page)
    context.add_init_script(PRINT_HOOK)
    _finished_pdf(page, uzasadnienie=LONG_JUSTIFICATION)
    found = re.search(r"PDF jest gotowy: (\d+) stron", page.locator(".render").inner_text())
    assert found, page.locator(".render").inner_text()
    count = int(found.group(1))
    assert count >= 2, "the letter should take more than one page"
    file_link = page.get_by_role("link", name="Otwórz plik PDF")
    expect(file_link).to_have_attribute("href", re.compile(r"/pdf$"))

    page.get_by_role("link", name="Otwórz PDF", exact=True).click()
    expect(page).to_have_url(VIEWER_URL)
    expect(page.locator("h1")).to_have_text("Twoje pismo w PDF")
    # Page by page, each in a canvas of its own, in order.
    canvases = page.locator(".pdf-pages canvas")
    expect(canvases).to_have_count(count)
    expect(page.locator("#pdf-viewer")).not_to_have_attribute("aria-busy", "true")
    for index in range(count):
        label = f"Strona {index + 1} z {count}"
        expect(canvases.nth(index)).to_have_attribute("aria-label", label)
    canvas = canvases.first
    expect(canvas).to_be_visible()

    # Drawn at least at print resolution, shown as wide as the phone's screen allows.
    size = canvas.evaluate("(c) => [c.width, c.height]")
    assert size[0] >= 1240 and size[1] > size[0], size
    box = canvas.bounding_box()
    assert box is not None and 300 <= box["width"] <= 390 and box["height"] > box["width"], box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    for index in range(count):
        assert canvases.nth(index).evaluate(INKED) > 1000, f"canvas {index} holds no text"

    # With the pages shown: download and print; the file link is not needed here.
    download = page.get_by_role("link", name="Pobierz PDF")
    expect(download).to_have_attribute("href", re.compile(r"/pdf\?download=1$"))
    expect(page.get_by_role("link", name="Otwórz PDF", exact=True)).to_be_hidden()
    expect(page.get_by_role("link", name="← Wróć do sprawy")).to_be_visible()
    page.get_by_role("button", name="Drukuj").click()
    assert page.evaluate("window.__printed") == 1

    # What printing gives: the letter's pages alone (images, no text of the web page around
    # them: no header, links, deadline or footer), one per A4 sheet.
    printed = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(printed.pages) == count
    for sheet in printed.pages:
        assert (round(sheet.mediabox.width), round(sheet.mediabox.height)) == A4_POINTS
        assert not (sheet.extract_text() or "").strip(), sheet.extract_text()
        assert len(sheet.images) == 1

    # The narrowest phone: nothing overflows sideways, the pages shrink with the screen.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    box = canvas.bounding_box()
    assert box is not None and box["width"] <= 300, box

    assert problems == [], problems
    hosts = {urlsplit(url).hostname for url in requested if urlsplit(url).scheme != "data"}
    assert hosts == {"127.0.0.1"}, requested
    # pdf.js and its worker came from our own static files.
    paths = [urlsplit(url).path for url in requested]
    assert any(re.fullmatch(r"/static/vendor/pdfjs-[\d.]+\.min\.js", p) for p in paths), paths
    assert any(re.fullmatch(r"/static/vendor/pdfjs-worker-[\d.]+\.min\.js", p) for p in paths)


def test_viewer_without_javascript_offers_the_file(
    app: Flask, new_context: ContextFactory, jobs: None
) -> None:
    context = new_context(**PHONE)
    page = context.new_page()
    _finished_pdf(page)
    viewer = page.get_by_role("link", name="Otwórz PDF", exact=True).get_attribute("href")
    assert viewer and VIEWER_URL.search(viewer)

    # The same person (same cookies) with JavaScript off.
    plain = new_context(**PHONE, java_script_enabled=False, storage_state=context.storage_state())
    page = plain.new_page()
    page.goto(viewer)
    expect(page.locator("h1")).to_have_text("Twoje pismo w PDF")
    open_link = page.get_by_role("link", name="Otwórz PDF", exact=True)
    expect(open_link).to_be_visible()
    expect(open_link).to_have_attribute("href", re.compile(r"/pdf$"))
    expect(page.get_by_role("link", name="Pobierz PDF")).to_be_visible()
    expect(page.get_by_role("button", name="Drukuj")).to_be_hidden()
    expect(page.locator(".pdf-pages canvas")).to_have_count(0)
    expect(page.locator(".pdf-state")).to_contain_text("Jeśli nie widzisz tu stron pisma")


def test_viewer_keeps_the_links_when_pdfjs_cannot_load(
    app: Flask, new_context: ContextFactory, jobs: None
) -> None:
    # No service worker, so its cached copy cannot stand in for the blocked file.
    context = new_context(**PHONE, service_workers="block")
    page = context.new_page()
    _finished_pdf(page)
    page.route(re.compile(r"/static/vendor/pdfjs-[\w.-]+\.js$"), lambda route: route.abort())
    page.get_by_role("link", name="Otwórz PDF", exact=True).click()
    expect(page).to_have_url(VIEWER_URL)
    state = page.locator(".pdf-state")
    expect(state).to_have_text(
        "Nie udało się pokazać tu stron pisma. Naciśnij „Otwórz PDF” albo „Pobierz PDF”."
    )
    expect(page.locator("#pdf-viewer")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator(".pdf-pages canvas")).to_have_count(0)
    expect(page.get_by_role("link", name="Otwórz PDF", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Pobierz PDF")).to_be_visible()
    expect(page.get_by_role("button", name="Drukuj")).to_be_hidden()
