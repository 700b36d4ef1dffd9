"""The PDF status page: updated in place by an htmx-polled fragment, never by a meta refresh;
download names from the title and date; the in-app browser notice."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from app import tasks
from app.extensions import db
from app.legal.documents import document_type
from app.models import Render, RenderStatus
from app.services.dates import in_poland
from app.tasks.render import render_pdf
from tests.helpers import SAMPLE_FIELDS, Browser, text_of

FACEBOOK_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.34.109;FBDV/iPhone14,5;FBSN/iOS;FBLC/pl_PL]"
)
TIKTOK_ANDROID = (
    "Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.5845.163 Mobile Safari/537.36 "
    "trill_2023105030 JsSdk/1.0 AppName/trill BytedanceWebview/d8a21c6"
)
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
RENDER_ID = re.compile(r"/renders/([A-Za-z0-9_-]+)$")


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Keep new renders queued: the test runs the job itself when it wants the PDF."""
    enqueued: list[int] = []
    monkeypatch.setattr(tasks, "enqueue_render", lambda render: enqueued.append(render.id))
    yield enqueued


def _case(browser: Browser, key: str = "sprzeciw-nakaz") -> str:
    document = document_type(key)
    assert document is not None
    data = {field.key: SAMPLE_FIELDS.get(field.key, "") for field in document.fields}
    response = browser.post(f"/pisma/pismo/{key}", data)
    assert response.status_code == 302, text_of(response)[:2000]
    return response.headers["Location"].split("#", 1)[0]


def _render_url(browser: Browser, case_url: str) -> str:
    response = browser.post(f"{case_url}/renders")
    assert response.status_code == 302
    return response.headers["Location"]


def _set_status(app: Flask, status: RenderStatus) -> None:
    with app.app_context():
        render = db.session.scalars(db.select(Render)).one()
        render.status = status
        db.session.commit()


def _run_job(app: Flask, enqueued: list[int]) -> None:
    [render_id] = enqueued
    with app.app_context():
        render_pdf(render_id)
        assert db.session.get(Render, render_id).status == RenderStatus.DONE


def _fragment_root(html: str) -> str:
    found = re.search(r'<div id="render-[^"]+"[^>]*>', html)
    assert found, html[:2000]
    return found.group(0)


def test_the_status_follows_the_render_in_place(app: Flask, browser: Browser, held: list[int]):
    status_url = _render_url(browser, _case(browser))
    render_id = RENDER_ID.search(status_url).group(1)
    fragment_url = f"{status_url}/status"

    page = text_of(browser.get(status_url))
    assert "http-equiv" not in page and "refresh" not in page.lower().replace("odśwież", "")
    assert "Czekamy w kolejce…" in page and "Zwykle trwa to kilka sekund." in page
    # Without JavaScript: one visible button that reloads this very page.
    assert f'<a class="button" href="{status_url}">Odśwież</a>' in page
    assert "zobaczysz go po odświeżeniu tej strony" in page
    # With JavaScript: htmx (vendored, no inline script) polls the fragment in place.
    assert re.search(r'<script src="/static/vendor/htmx-[\d.]+\.min\.js" defer>', page)
    assert '<script src="/static/js/render-status.js" defer>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline scripts"
    root = _fragment_root(page)
    assert f'id="render-{render_id}"' in root
    assert f'hx-get="{fragment_url}?shown=queued"' in root
    assert 'hx-trigger="every 1s"' in root and 'hx-swap="outerHTML"' in root
    # The live region stays in the page around the fragment that is swapped.
    assert re.search(r'<div class="render-live" role="status">\s*<div id="render-', page)
    assert 'id="jak-wyslac" class="how-to-send" hidden' in page

    # The fragment alone: exactly what the page includes.
    fragment = browser.get(fragment_url)
    assert fragment.status_code == 200 and fragment.mimetype == "text/html"
    body = text_of(fragment)
    assert body.lstrip().startswith(f'<div id="render-{render_id}"')
    assert "<html" not in body and "<h1" not in body
    assert _fragment_root(body) == root
    assert "no-store" in fragment.headers["Cache-Control"]

    # Polls of an unchanged state swap nothing: 204 and an empty body.
    same = browser.get(f"{fragment_url}?shown=queued")
    assert same.status_code == 204 and same.data == b""

    _set_status(app, RenderStatus.RUNNING)
    changed = text_of(browser.get(f"{fragment_url}?shown=queued"))
    assert "Tworzymy PDF…" in changed
    assert 'hx-trigger="every 1s"' in changed and "shown=running" in changed
    assert browser.get(f"{fragment_url}?shown=running").status_code == 204

    _set_status(app, RenderStatus.QUEUED)
    _run_job(app, held)
    done = text_of(browser.get(f"{fragment_url}?shown=queued"))
    assert "PDF jest gotowy" in done and "1 strona" in done
    root = _fragment_root(done)
    assert "hx-trigger" not in root and "hx-get" not in root
    assert 'data-finished="true"' in root
    # "How to send it" comes along, swapped out of band into its placeholder.
    oob = 'id="jak-wyslac" class="how-to-send" aria-labelledby="how-title" hx-swap-oob="true">'
    assert f"<section {oob}" in done
    assert "Jak wysłać pismo" in done
    assert browser.get(f"{fragment_url}?shown=done").status_code == 204

    page = text_of(browser.get(status_url))
    assert "PDF jest gotowy" in page and "hx-trigger" not in page and "htmx" not in page
    assert 'id="jak-wyslac" class="how-to-send" aria-labelledby="how-title">' in page
    assert "http-equiv" not in page


def test_a_failed_render_stops_polling(app: Flask, browser: Browser, held: list[int]) -> None:
    status_url = _render_url(browser, _case(browser))
    _set_status(app, RenderStatus.FAILED)
    body = text_of(browser.get(f"{status_url}/status?shown=queued"))
    assert "Spróbuj ponownie" in body
    assert "hx-trigger" not in body and "hx-get" not in body
    assert 'id="jak-wyslac"' not in body
    assert "hx-trigger" not in text_of(browser.get(status_url))


def test_the_fragment_fails_a_render_past_its_deadline(
    app: Flask, browser: Browser, held: list[int]
) -> None:
    from datetime import timedelta

    from app.models.base import utcnow

    status_url = _render_url(browser, _case(browser))
    with app.app_context():
        render = db.session.scalars(db.select(Render)).one()
        render.status, render.started_at = RenderStatus.RUNNING, utcnow() - timedelta(hours=1)
        db.session.commit()
    body = text_of(browser.get(f"{status_url}/status?shown=running"))
    assert "zaginęło" in body and "hx-trigger" not in body


def test_download_name_comes_from_the_title_and_the_date(
    app: Flask, browser: Browser, held: list[int]
) -> None:
    status_url = _render_url(browser, _case(browser))
    _run_job(app, held)
    with app.app_context():
        render = db.session.scalars(db.select(Render)).one()
        day = in_poland(render.version.created_at).date()
    name = f"sprzeciw-od-nakazu-zaplaty-{day.isoformat()}.pdf"
    download = browser.get(f"{status_url}/pdf?download=1")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == f"attachment; filename={name}"
    inline = browser.get(f"{status_url}/pdf")
    assert inline.headers["Content-Disposition"] == f"inline; filename={name}"


def test_a_hostile_title_gives_a_clean_header(
    app: Flask, browser: Browser, held: list[int]
) -> None:
    case_url = browser.start()
    title = "Pismo \"ważne\"\\/..; filename*=UTF-8''x.exe 🙂 Łódź"
    html = f"<h1>{title}</h1><p>Treść</p>"
    browser.post(f"{case_url}/document", {"html": html, "base_version": "0"})
    status_url = _render_url(browser, case_url)
    _run_job(app, held)
    disposition = browser.get(f"{status_url}/pdf?download=1").headers["Content-Disposition"]
    assert re.fullmatch(
        r"attachment; filename=pismo-wazne-filename-utf-8-x-exe-lodz-\d{4}-\d{2}-\d{2}\.pdf",
        disposition,
    ), disposition
    assert disposition.isascii() and "\r" not in disposition and "\n" not in disposition


def test_a_letter_without_heading_is_named_after_the_document(
    app: Flask, browser: Browser, held: list[int]
) -> None:
    case_url = browser.start()
    browser.post(f"{case_url}/document", {"html": "<p>🙂</p>", "base_version": "0"})
    status_url = _render_url(browser, case_url)
    _run_job(app, held)
    disposition = browser.get(f"{status_url}/pdf?download=1").headers["Content-Disposition"]
    assert re.fullmatch(r"attachment; filename=pismo-\d{4}-\d{2}-\d{2}\.pdf", disposition)


def test_status_and_fragment_are_only_for_the_owner(
    app: Flask, browser: Browser, other_browser: Browser, held: list[int]
) -> None:
    status_url = _render_url(browser, _case(browser))
    _run_job(app, held)
    for url in (status_url, f"{status_url}/status", f"{status_url}/status?shown=queued"):
        assert browser.get(url).status_code in (200, 204)
        assert other_browser.get(url).status_code == 404
    assert other_browser.get(f"{status_url}/pdf?download=1").status_code == 404
    unknown = status_url.rsplit("/", 1)[0] + "/nie-ma-takiego"
    assert browser.get(f"{unknown}/status").status_code == 404


def test_in_app_browsers_get_the_notice(app: Flask, browser: Browser, held: list[int]) -> None:
    case_url = _case(browser)
    status_url = _render_url(browser, case_url)

    page = text_of(browser.get(status_url, headers={"User-Agent": FACEBOOK_IOS}))
    assert 'id="inapp-notice"' in page
    assert "Otwierasz stronę w aplikacji Facebook." in page
    assert "„Otwórz w przeglądarce”" in page and "„Otwórz w Safari”" in page
    # The PDF's state stays first; the notice follows it, next to the download.
    assert page.index('class="render-live"') < page.index('id="inapp-notice"')
    assert page.index('id="inapp-notice"') < page.index('id="jak-wyslac"')

    case = text_of(browser.get(case_url, headers={"User-Agent": TIKTOK_ANDROID}))
    assert "Otwierasz stronę w aplikacji TikTok." in case and "„Otwórz w Chrome”" in case
    assert case.index('id="case-deadline"') < case.index('id="inapp-notice"')
    assert case.index('id="inapp-notice"') < case.index('class="tabs"')

    # On the PDF's page, what to do when the download does not work (the page is not
    # reloaded when the PDF is ready, so the advice is there from the start).
    assert "Jeśli „Pobierz PDF” nie zadziała, naciśnij „Otwórz plik PDF”" in page
    assert "Pobierz PDF” nie zadziała" not in case

    for user_agent in (SAFARI, ""):
        for url in (case_url, status_url):
            assert 'id="inapp-notice"' not in text_of(
                browser.get(url, headers={"User-Agent": user_agent})
            )
