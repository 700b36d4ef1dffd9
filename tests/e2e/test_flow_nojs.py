"""The whole journey in a real Chromium with JavaScript off: problem, chat, letter, edit, PDF."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader

from app.services.conversations import short_title
from tests.e2e.conftest import ContextFactory, refresh_until_ready
from tests.fake_ollama import FakeOllama
from tests.helpers import SAMPLE_FIELDS

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}

PROBLEM = (
    "Dostałem mandat za parkowanie w Łodzi, ale zapłaciłem za postój w strefie. "
    "Czy mogę się odwołać? Źle się z tym czuję."
)
SECOND_MESSAGE = "Mandat przyjąłem 3 dni temu, gotówką. Świadek: żona."
SECOND_REPLY = "Rozumiem. *Sprawdź* datę zapłaty — od niej liczysz 7 dni."
# What the catalogue's template puts in the letter for the situation the fake model names.
CATALOGUE_HEADING = "Wniosek o uchylenie prawomocnego mandatu karnego"
CATALOGUE_BASIS = "Podstawa prawna: art. 101 § 1 k.p.w."

DIACRITICS = "ĄĆĘŁŃÓŚŹŻąćęłńóśźż"
PANGRAM = "Zażółć gęślą jaźń"
SCRIPT_MARKER = "E2E-SCRIPT-MARKER"
TRAP_URL = "http://127.0.0.1:1/x"
EDITED_LETTER = f"""<h1 class="center">Wniosek o uchylenie mandatu</h1>
<p>{PANGRAM} — {DIACRITICS[:9]} {DIACRITICS[9:]}</p>
<script>document.title = "{SCRIPT_MARKER}"; fetch("{TRAP_URL}?script");</script>
<p>Obrazek: <img src={TRAP_URL}> i dalszy tekst.</p>
<p class="right">Jan Kowalski<br>(podpis)</p>"""


def _assert_scripts_are_off(context: BrowserContext) -> None:
    """Guard the premise of this file: the context really runs no page scripts."""
    page = context.new_page()
    script = 'document.querySelector("#x").textContent = "on"'
    page.set_content(f'<p id="x">off</p><script>{script}</script>')
    expect(page.locator("#x")).to_have_text("off")
    page.close()


def _start_conversation(page: Page) -> str:
    """Describe the problem on the landing page; return the conversation's path."""
    page.goto("/")
    expect(page).to_have_title(re.compile("pomoc w drobnych sprawach prawnych"))
    expect(page.locator("h1")).to_contain_text("Sprawdź, co możesz zrobić i do kiedy")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    page.get_by_label("Opisz swoją sprawę").fill(PROBLEM)
    page.get_by_role("button", name="Zacznij", exact=True).click()

    # The post returns at once and lands on the reply, which the page follows by reloading.
    expect(page).to_have_url(re.compile(r"/conversations/[A-Za-z0-9_-]+#m\d+$"))
    path = re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]
    expect(page.locator("h1")).to_have_text(short_title(PROBLEM))
    user = page.locator("#messages li.from-user")
    expect(user).to_have_count(1)
    expect(user.locator(".body")).to_have_text(PROBLEM)
    reply = page.locator("#messages li.from-assistant")
    expect(reply).to_have_count(1)
    # The model's markdown is rendered: **Masz 7 dni** becomes <strong>.
    expect(reply.locator(".body strong")).to_have_text("Masz 7 dni")
    expect(reply.locator(".body")).to_contain_text(PANGRAM)
    return path


def _send_second_message(page: Page, path: str, fake_ollama: FakeOllama) -> None:
    """Chat once more through the composer form (post/redirect/get)."""
    fake_ollama.push_reply(SECOND_REPLY)
    page.get_by_label("Twoja wiadomość").fill(SECOND_MESSAGE)
    page.get_by_role("button", name="Wyślij").click()

    # After the redirect the address bar shows the page at the new reply, not the POST target.
    expect(page).to_have_url(re.compile(re.escape(path) + r"#m\d+$"))
    messages = page.locator("#messages li.message")
    expect(messages).to_have_count(4)
    expect(messages.nth(2)).to_have_class(re.compile(r"\bfrom-user\b"))
    expect(messages.nth(2).locator(".body")).to_have_text(SECOND_MESSAGE)
    expect(messages.nth(3).locator(".body em")).to_have_text("Sprawdź")
    expect(page.locator("#composer-message")).to_have_value("")
    # The diacritics reached the model intact, with the whole history.
    sent = fake_ollama.chat_requests[-1]["messages"]
    assert [m["content"] for m in sent if m["role"] == "user"] == [PROBLEM, SECOND_MESSAGE]


def _draft_letter(page: Page, path: str, fake_ollama: FakeOllama) -> None:
    """Ask the model for the letter and check the preview built from the catalogue."""
    # The model names the situation, then fills that document's fields.
    fake_ollama.push_reply(json.dumps({"situation": "uchylenie-mandatu"}))
    fields = {**SAMPLE_FIELDS, "uzasadnienie": f"{PANGRAM}. Zapłaciłem za postój w strefie."}
    fake_ollama.push_reply(json.dumps(fields, ensure_ascii=False))
    page.get_by_role("button", name="Przygotuj pismo", exact=True).click()

    expect(page).to_have_url(re.compile(re.escape(path) + r"#m\d+$"))
    # The draft is written in the background; the page reloads until it is done.
    expect(page.locator("#messages li.message").last).to_contain_text("Pismo jest gotowe")
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    assert fake_ollama.chat_requests[-1].get("format"), "the draft must use structured output"
    letter = page.locator("article.letter.paper")
    expect(letter.locator("h1")).to_have_text(CATALOGUE_HEADING)
    expect(letter).to_contain_text(CATALOGUE_BASIS)
    expect(letter).to_contain_text(PANGRAM)
    versions = page.locator("details.versions")
    expect(versions.locator("summary")).to_have_text("Wersje pisma (1)")
    versions.locator("summary").click()
    expect(versions.locator("li")).to_have_count(1)
    expect(versions.locator("li").first).to_contain_text("Wersja 1 (aktualna)")
    expect(versions.locator("li").first).to_contain_text("— asystent")


def _edit_letter(page: Page, path: str) -> None:
    """Replace the letter with hostile HTML and check what the sanitizer kept."""
    editor = page.locator("details.editor")
    textarea = page.get_by_label("Treść pisma")
    expect(editor).not_to_have_attribute("open", "")
    expect(textarea).to_be_hidden()
    editor.locator("summary").click()  # <details> opens without JavaScript
    expect(textarea).to_be_visible()
    expect(textarea).to_have_value(re.compile(re.escape(CATALOGUE_HEADING)))
    textarea.fill(EDITED_LETTER)
    page.get_by_role("button", name="Zapisz nową wersję").click()

    expect(page).to_have_url(re.compile(re.escape(path) + r"(#pismo)?$"))
    expect(page.locator(".flash")).to_have_text("Zapisano wersję 2 pisma.")
    expect(page.locator("details.versions summary")).to_have_text("Wersje pisma (2)")
    letter = page.locator("article.letter.paper")
    expect(letter.locator("h1")).to_have_text("Wniosek o uchylenie mandatu")
    expect(letter).to_contain_text(f"{PANGRAM} — {DIACRITICS[:9]} {DIACRITICS[9:]}")
    expect(letter).to_contain_text("Obrazek: i dalszy tekst.")
    expect(letter.locator("script, img, [src], [onerror]")).to_have_count(0)
    assert SCRIPT_MARKER not in page.content()
    assert "127.0.0.1:1" not in letter.inner_html()
    # The editor now holds the sanitized version, ready for the next edit.
    expect(textarea).not_to_have_value(re.compile("script|img"))


def _create_pdf(page: Page, path: str) -> str:
    """Ask for the PDF, press "Odśwież" until it is ready; return the download href."""
    page.get_by_role("button", name="Utwórz PDF").click()

    expect(page).to_have_url(re.compile(re.escape(path) + r"/renders/[A-Za-z0-9_-]+$"))
    expect(page.locator("h1")).to_have_text("Plik PDF")
    # Without JavaScript the page never reloads by itself: the person presses "Odśwież".
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    refresh_until_ready(page)
    status = page.locator(".render")
    expect(status).to_contain_text("1 strona")
    expect(status).to_contain_text("wersja 2 pisma")
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    viewer_href = page.get_by_role("link", name="Otwórz PDF", exact=True).get_attribute("href")
    assert viewer_href and viewer_href.endswith("/podglad")
    open_href = page.get_by_role("link", name="Otwórz plik PDF").get_attribute("href")
    download_href = page.get_by_role("link", name="Pobierz PDF").get_attribute("href")
    assert open_href and download_href
    assert open_href.endswith("/pdf") and download_href == f"{open_href}?download=1"
    return download_href


def _check_pdf(context: BrowserContext, download_href: str) -> None:
    """Fetch the PDF with the person's cookies and read its text back."""
    inline = context.request.get(download_href.removesuffix("?download=1"))
    assert inline.status == 200
    assert inline.headers["content-disposition"].startswith("inline")

    response = context.request.get(download_href)
    assert response.status == 200, response.status
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment"), disposition
    assert re.search(r"filename=wniosek-o-uchylenie-mandatu-\d{4}-\d{2}-\d{2}\.pdf$", disposition)
    assert "no-store" in response.headers["cache-control"]
    body = response.body()
    assert body.startswith(b"%PDF-")
    assert body == inline.body()

    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert PANGRAM in text, text
    missing = [char for char in DIACRITICS if char not in text]
    assert not missing, f"characters lost in the PDF: {missing}\n{text}"
    assert "Wniosek o uchylenie mandatu" in text
    assert SCRIPT_MARKER not in text
    assert "127.0.0.1" not in text
    assert reader.metadata is not None
    # The PDF title follows the edited letter's heading, not the first draft's.
    assert reader.metadata.title == "Wniosek o uchylenie mandatu"


def _check_stranger(new_context: ContextFactory, path: str, download_href: str) -> None:
    """Another person (another cookie jar, with a conversation of their own) sees nothing."""
    stranger = new_context(java_script_enabled=False)
    page = stranger.new_page()
    page.goto("/")
    page.goto("/pisma/pismo/dostep-do-danych")
    page.get_by_label("Nie znam jeszcze wszystkich danych", exact=False).check()
    page.get_by_role("button", name="Przygotuj pismo").click()
    expect(page).to_have_url(re.compile(r"/conversations/[A-Za-z0-9_-]+$"))
    assert path not in page.url

    response = page.goto(path)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Nie ma takiej strony albo nie masz do niej dostępu.")
    assert SECOND_MESSAGE not in page.content()

    render_page = download_href.rsplit("/pdf", 1)[0]
    for url in (render_page, download_href, download_href.removesuffix("?download=1")):
        fetched = stranger.request.get(url)
        assert fetched.status == 404, (url, fetched.status)
        assert not fetched.body().startswith(b"%PDF")


def _check_narrow_screen(page: Page, path: str, tmp_path: Path) -> None:
    """Screenshot the phone layout and check nothing overflows sideways at 320 px."""
    page.goto(path)
    page.screenshot(path=tmp_path / "conversation-phone.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    # evaluate() runs in Playwright's own world, so it works with page scripts disabled.
    for url in ("/", path):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{url} is {width} px wide at a 320 px viewport"


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_whole_flow_without_javascript(
    new_context: ContextFactory,
    fake_ollama: FakeOllama,
    jobs: None,
    tmp_path: Path,
    device: dict[str, Any],
) -> None:
    """A person without JavaScript gets from a problem to a PDF of their edited letter."""
    context = new_context(java_script_enabled=False, **device)
    _assert_scripts_are_off(context)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()

    path = _start_conversation(page)
    _send_second_message(page, path, fake_ollama)
    _draft_letter(page, path, fake_ollama)
    _edit_letter(page, path)
    download_href = _create_pdf(page, path)
    _check_pdf(context, download_href)
    _check_stranger(new_context, path, download_href)
    if device is PHONE:
        _check_narrow_screen(page, path, tmp_path)

    assert not [url for url in requested if url.startswith("http://127.0.0.1:1/")]
