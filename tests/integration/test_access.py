"""One browser's case is invisible to every other: 404s, CSRF, size and rate limits."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.helpers import Browser, text_of, wait_for


@pytest.fixture
def case(browser: Browser, jobs: None) -> dict[str, str]:
    """A conversation with a document and a finished render, owned by ``browser``."""
    url = browser.start("Dostałem mandat", topic="mandat")
    browser.draft(url)
    render_url = browser.post(f"{url}/renders").headers["Location"]
    wait_for(lambda: "PDF jest gotowy" in text_of(browser.get(render_url)))
    return {"url": url, "render": render_url}


def test_other_sessions_get_404_everywhere(case: dict[str, str], other_browser: Browser) -> None:
    url, render = case["url"], case["render"]
    # The stranger owns a case too: the owner check itself is what must stop them.
    their_url = other_browser.start("Moja sprawa")
    render_id = render.rsplit("/", 1)[1]
    assert other_browser.get(f"{their_url}/renders/{render_id}").status_code == 404
    assert other_browser.get(f"{their_url}/renders/{render_id}/pdf").status_code == 404
    for path in (url, f"{url}/document/versions/1", render, f"{render}/pdf"):
        assert other_browser.get(path).status_code == 404, path
    for path in (
        f"{url}/messages",
        f"{url}/retry",
        f"{url}/document",
        f"{url}/document/draft",
        f"{url}/renders",
    ):
        response = other_browser.post(path, {"message": "x", "html": "<p>x</p>"})
        assert response.status_code == 404, path
    assert "Nie ma takiej strony" in text_of(other_browser.get(url))


def test_guessed_and_hostile_ids_are_404(browser: Browser) -> None:
    url = browser.start("x")
    for path in (
        "/conversations/" + "A" * 22,
        "/conversations/../../etc/passwd",
        "/conversations/" + "x" * 500,
        f"{url}/renders/" + "A" * 22,
        f"{url}/renders/%00",
        f"{url}/document/versions/99",
    ):
        assert browser.get(path).status_code == 404, path


def test_ids_are_case_sensitive(browser: Browser) -> None:
    url = browser.start("x")
    public_id = url.rsplit("/", 1)[1]
    flipped = public_id.swapcase()
    if flipped != public_id:
        assert browser.get(f"/conversations/{flipped}").status_code == 404


def test_csrf_is_required(app: Flask, browser: Browser) -> None:
    url = browser.start("x")
    response = browser.client.post(f"{url}/messages", data={"message": "bez tokenu"})
    assert response.status_code == 400
    assert "Formularz wygasł" in text_of(response)
    forged = browser.client.post("/conversations", data={"csrf_token": "forged", "message": "x"})
    assert forged.status_code == 400


def test_request_size_limit(app: Flask, browser: Browser) -> None:
    url = browser.start("x")
    huge = "a" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = browser.post(f"{url}/document", {"html": huge, "base_version": "0"})
    assert response.status_code == 413
    page = text_of(response)
    assert "za duże" in page
    # The way back to the case stays, for its owner only.
    assert f'href="{url}">Wróć do sprawy</a>' in page


def test_error_pages_offer_no_way_into_a_strangers_case(
    app: Flask, browser: Browser, other_browser: Browser
) -> None:
    url = browser.start("x")
    other_browser.get("/")
    huge = "a" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = other_browser.post(f"{url}/document", {"html": huge, "base_version": "0"})
    assert response.status_code == 413
    assert "Wróć do sprawy" not in text_of(response)


def test_rate_limit(app: Flask, browser: Browser) -> None:
    app.config["RATELIMIT_MESSAGES"] = "2 per minute"
    url = browser.start()
    codes = [browser.send(url, "x").status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert "Za dużo prób" in text_of(browser.post(f"{url}/messages", {"message": "x"}))


def test_security_headers(browser: Browser, jobs: None) -> None:
    url = browser.start("Sprawa")
    browser.draft(url)
    status_url = browser.post(f"{url}/renders").headers["Location"]
    wait_for(lambda: "PDF jest gotowy" in text_of(browser.get(status_url)))
    for path in ("/", url, f"{url}/document/versions/1", status_url, "/brak"):
        response = browser.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        page = text_of(response)
        assert 'style="' not in page, path
        # Scripts only from our own files: no inline code, no other hosts.
        for tag in re.findall(r"<script[^>]*>", page):
            assert re.fullmatch(r'<script src="/static/[\w./-]+\.js" defer>', tag), (path, tag)
        assert "</script>" not in page.replace("defer></script>", ""), path
    pdf = browser.get(f"{status_url}/pdf")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert pdf.headers["Cache-Control"] == "private, no-store"


def test_session_cookie_flags(browser: Browser) -> None:
    browser.get("/")
    response = browser.post("/conversations", {"message": "", "topic": "mandat"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
