"""The PDF status in a real Chromium with JavaScript on: it turns ready in place, by htmx
polling the status fragment, without a reload or a navigation.

The job is held back (the render stays queued) so the page is surely seen waiting; the test
then moves the render on and runs the real job function itself.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from app import tasks
from app.extensions import db
from app.legal.documents import document_type
from app.models import Render, RenderStatus
from app.tasks.render import render_pdf
from tests.e2e.conftest import ContextFactory
from tests.helpers import CSRF_FIELD, SAMPLE_FIELDS

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DOCUMENT = "sprzeciw-nakaz"
RENDER_URL = re.compile(r"/conversations/[A-Za-z0-9_-]+/renders/[A-Za-z0-9_-]+$")
# Report CSP violations to the test (Chromium also logs them as console errors).
CSP_HOOK = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _guided_case(page: Page) -> str:
    """Create a case through the guided form's POST, with this browser's cookies; its path."""
    document = document_type(DOCUMENT)
    assert document is not None
    form_page = page.request.get(f"/pisma/pismo/{DOCUMENT}")
    token = CSRF_FIELD.search(form_page.text())
    assert token, "the form carries a CSRF token"
    data = {field.key: SAMPLE_FIELDS.get(field.key, "") for field in document.fields}
    response = page.request.post(
        f"/pisma/pismo/{DOCUMENT}", form={"csrf_token": token.group(1), **data}, max_redirects=0
    )
    assert response.status == 302, response.text()[:2000]
    return urlsplit(response.headers["location"]).path


def _set_status(app: Flask, status: RenderStatus) -> int:
    with app.app_context():
        render = db.session.scalars(db.select(Render)).one()
        render.status = status
        db.session.commit()
        return render.id


def test_pdf_becomes_ready_without_a_navigation(
    app: Flask, new_context: ContextFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    enqueued: list[int] = []
    monkeypatch.setattr(tasks, "enqueue_render", lambda render: enqueued.append(render.id))
    context = new_context(**PHONE)
    problems: list[str] = []
    context.expose_function("reportCspViolation", lambda text: problems.append(f"CSP: {text}"))
    context.add_init_script(CSP_HOOK)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    polls: list[int] = []

    def on_response(response: Response) -> None:
        if urlsplit(response.url).path.endswith("/status"):
            polls.append(response.status)

    page.on("response", on_response)

    page.goto(_guided_case(page))
    page.get_by_role("button", name="Utwórz PDF", exact=True).click()
    expect(page).to_have_url(RENDER_URL)
    status_url = page.url
    status = page.locator(".render")
    expect(status).to_contain_text("Czekamy w kolejce…")
    expect(page.get_by_role("link", name="Odśwież")).to_be_visible()
    # The sentence for pages without JavaScript stays hidden here.
    expect(page.get_by_text("zobaczysz go po odświeżeniu")).to_be_hidden()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert enqueued, "the render was recorded and held"

    # Anything below must happen in this very document.
    page.evaluate("window.__marker = 'still-here'")
    page.evaluate("document.querySelector('[role=status]').dataset.marker = 'same-region'")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    # While the state does not change, the polls swap nothing.
    page.wait_for_timeout(2500)
    assert polls and set(polls) == {204}, polls

    # Focus on "Odśwież" is not lost when that fragment is replaced: it moves to the new one.
    page.get_by_role("link", name="Odśwież").focus()
    _set_status(app, RenderStatus.RUNNING)
    expect(status).to_contain_text("Tworzymy PDF…")
    page.wait_for_function("() => document.activeElement.classList.contains('render')")
    page.wait_for_function(
        "() => !document.querySelector('[role=status]').hasAttribute('aria-live')"
    )

    render_id = _set_status(app, RenderStatus.QUEUED)
    with app.app_context():
        render_pdf(render_id)
    expect(status).to_contain_text("PDF jest gotowy")
    expect(status).to_contain_text("1 strona")
    expect(page.get_by_role("link", name="Otwórz PDF")).to_be_visible()
    # Ready: "Otwórz PDF" takes the focus, one press away, and the page stays.
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.textContent.trim() === 'Otwórz PDF'"
    )
    download = page.get_by_role("link", name="Pobierz PDF")
    expect(download).to_have_attribute("href", re.compile(r"/pdf\?download=1$"))
    expect(page.get_by_role("link", name="Odśwież")).to_have_count(0)
    # "How to send it" came along out of band.
    expect(page.locator("#jak-wyslac")).to_be_visible()
    expect(page.locator("#jak-wyslac")).to_contain_text("Jak wysłać pismo")

    assert page.url == status_url
    assert navigations == []
    assert page.evaluate("window.__marker") == "still-here"
    # The live region is the same element, so the change was read out once, in place.
    region = page.locator("[role=status]")
    expect(region).to_have_count(1)
    assert region.get_attribute("data-marker") == "same-region"
    expect(region.locator(".render")).to_have_attribute("data-finished", "true")

    # The finished fragment has no trigger: the polling has stopped.
    expect(status).not_to_have_attribute("hx-trigger", re.compile(".*"))
    count = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == count, polls
    assert polls.count(200) == 2, polls  # queued -> running, running -> done
    assert problems == [], problems

    response = page.request.get(download.get_attribute("href") or "")
    assert response.status == 200
    assert re.fullmatch(
        r"attachment; filename=sprzeciw-od-nakazu-zaplaty-\d{4}-\d{2}-\d{2}\.pdf",
        response.headers["content-disposition"],
    )
