"""The guided path in a real Chromium with JavaScript off and the model down.

Topic, situation, a short form, the letter from its template, the deadline, the PDF: none of
it may need JavaScript or the language model, so Ollama is unreachable for every test here.
"""

from __future__ import annotations

import io
import re
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pypdf import PdfReader

from app.extensions import db
from app.legal.documents import DOCUMENT_TYPES, document_type
from app.models import Conversation
from app.services.dates import left_phrase, polish_date, today_in_poland, until_phrase
from app.services.deadlines import last_day
from tests.e2e.conftest import ContextFactory, refresh_until_ready
from tests.fake_ollama import FakeOllama

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
PHONE_WIDTH = 390
CASE_URL = re.compile(r"/conversations/([A-Za-z0-9_-]+)$")
RENDER_URL = re.compile(r"/conversations/[A-Za-z0-9_-]+/renders/[A-Za-z0-9_-]+$")

SENDER = "Łukasz Żółć-Ślęzak"
COURT = "Sąd Rejonowy Poznań-Grunwald i Jeżyce w Poznaniu, I Wydział Cywilny"
PLAINTIFF = "Windykacja Szybka sp. z o.o."
CASE_NUMBER = "I Nc 1234/26"


@pytest.fixture
def ollama_down() -> Iterator[str]:
    """An Ollama address that refuses every connection: a port bound but never listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(sock.getsockname(), timeout=2).close()
        yield url


@pytest.fixture
def app(app: Flask, ollama_down: str) -> Flask:
    """The suite's test app, with the model unreachable (read per call, so this is enough)."""
    app.config["OLLAMA_HOST"] = ollama_down
    return app


@pytest.fixture
def phone(new_context: ContextFactory) -> BrowserContext:
    """A phone-sized browser with JavaScript off; checks that scripts really do not run."""
    context = new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    script = 'document.querySelector("#x").textContent = "on"'
    page.set_content(f'<p id="x">off</p><script>{script}</script>')
    expect(page.locator("#x")).to_have_text("off")
    page.close()
    return context


@pytest.fixture(autouse=True)
def _model_never_asked(fake_ollama: FakeOllama) -> Iterator[None]:
    """The guided path must not talk to any model, not even the fake one."""
    yield
    assert fake_ollama.chat_requests == []


def _days_ago(days: int) -> date:
    return today_in_poland() - timedelta(days=days)


def _type(page: Page, key: str, text: str) -> None:
    """Type into a field key by key, like a person (a textarea gets Enter for a new line)."""
    field = page.locator(f"#f-{key}")
    field.click()
    field.press_sequentially(text)


def _pick_date(page: Page, key: str, day: date) -> None:
    """Set a date field; the browser's own date widget decides the typed order, so fill it."""
    page.locator(f"#f-{key}").fill(day.isoformat())


def _submit(page: Page, name: str) -> int:
    """Press a submit button; return the HTTP status of the form's POST."""
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()
    return posted.value.status


def _no_sideways_scroll(page: Page, width: int = PHONE_WIDTH) -> None:
    # evaluate() runs in Playwright's own world, so it works with page scripts disabled.
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at a {width} px viewport"


def _open_form(page: Page, topic: str, situation: str) -> None:
    """From the landing page: the topic, then the situation, to the document's form."""
    page.goto("/")
    page.get_by_role("link", name=re.compile("^" + re.escape(topic))).click()
    expect(page).to_have_url(re.compile(r"/pisma/[a-z-]+$"))
    expect(page.locator("h1")).to_have_text("Co dokładnie się stało?")
    expect(page.locator(".lead")).to_have_text(topic)
    expect(page.get_by_role("link", name=re.compile("^Żadne z powyższych"))).to_have_attribute(
        "href", "/pisma/poza-zakresem/inne"
    )
    page.get_by_role("link", name=re.compile("^" + re.escape(situation))).click()
    expect(page).to_have_url(re.compile(r"/pisma/pismo/[a-z-]+$"))


def _case_path(page: Page) -> str:
    found = CASE_URL.search(page.url)
    assert found, page.url
    return f"/conversations/{found.group(1)}"


def _pdf_text(context: BrowserContext, page: Page) -> str:
    """Press "Odśwież" until the PDF is ready, fetch it with the person's cookies, read it."""
    expect(page).to_have_url(RENDER_URL)
    expect(page.locator("h1")).to_have_text("Plik PDF")
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    refresh_until_ready(page)
    href = page.get_by_role("link", name="Pobierz PDF").get_attribute("href")
    assert href
    response = context.request.get(href)
    assert response.status == 200, response.status
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    return "\n".join(pdf_page.extract_text() or "" for pdf_page in reader.pages)


def _fill_payment_order(page: Page, *, amount: str, delivered: date) -> None:
    """Type the payment order's fields as a person would (dates through the date widget)."""
    _type(page, "imie_nazwisko", SENDER)
    _type(page, "adres", "ul. Źródlana 3/4\n60-101 Poznań")
    _type(page, "miejscowosc", "Poznań")
    _type(page, "sad", COURT)
    _type(page, "sad_adres", "ul. Kamiennogórska 25\n60-179 Poznań")
    _type(page, "powod", PLAINTIFF)
    _type(page, "powod_adres", "ul. Prosta 1\n00-001 Warszawa")
    _pick_date(page, "data_nakazu", delivered - timedelta(days=6))
    _pick_date(page, "data_doreczenia", delivered)
    _type(page, "kwota", amount)
    _type(page, "uzasadnienie", "Zapłaciłem fakturę przed wniesieniem pozwu.\n\nPowód o tym wie.")
    _type(page, "dowody", "potwierdzenie przelewu z 3 marca 2026 r.")


def test_payment_order_from_landing_to_pdf(phone: BrowserContext, jobs: None) -> None:
    """Landing → nakaz zapłaty → form (with mistakes first) → letter, deadline, .ics, PDF."""
    page = phone.new_page()
    _open_form(page, "Nakaz zapłaty lub pozew z sądu", "Nakaz zapłaty w postępowaniu upominawczym")
    expect(page).to_have_url(re.compile(r"/pisma/pismo/sprzeciw-nakaz$"))
    expect(page.locator("h1")).to_have_text("Sprzeciw od nakazu zapłaty")
    expect(page.locator("#f-data_doreczenia")).to_have_attribute("type", "date")
    expect(page.locator("#f-data_nakazu")).to_have_attribute("type", "date")

    delivered = _days_ago(3)
    _fill_payment_order(page, amount="1 250,50 zł", delivered=delivered)
    # Two mistakes: a case number without its division, and a delivery date a year ahead.
    _type(page, "sygnatura", "1234/26")
    _pick_date(page, "data_doreczenia", delivered + timedelta(days=365))
    assert _submit(page, "Przygotuj pismo") == 422

    expect(page).to_have_url(re.compile(r"/pisma/pismo/sprzeciw-nakaz$"))
    expect(page).to_have_title(re.compile("^Błąd: "))
    summary = page.locator("#fields-error")
    expect(summary.locator("p")).to_have_text(
        "Niczego jeszcze nie zapisaliśmy — popraw zaznaczone pola; to, co wpisałeś, zostało"
        " w formularzu. Jeśli nie znasz jakichś danych, zaznacz na dole „Nie znam jeszcze"
        " wszystkich danych”."
    )
    # The summary links each refused field, so a phone need not scroll to find it.
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary.get_by_role("link").first).to_have_attribute("href", "#f-sygnatura")
    expect(page.locator("#f-sygnatura-error")).to_contain_text("Sygnatura wygląda inaczej")
    expect(page.locator("#f-sygnatura")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-data_doreczenia-error")).to_have_text(
        "Ta data jest w przyszłości — sprawdź ją."
    )
    expect(page.locator(".field-error")).to_have_count(2)
    # Everything typed is still there, the mistakes included.
    expect(page.locator("#f-imie_nazwisko")).to_have_value(SENDER)
    expect(page.locator("#f-adres")).to_have_value("ul. Źródlana 3/4\n60-101 Poznań")
    expect(page.locator("#f-sad")).to_have_value(COURT)
    expect(page.locator("#f-kwota")).to_have_value("1 250,50 zł")
    expect(page.locator("#f-uzasadnienie")).to_have_value(
        "Zapłaciłem fakturę przed wniesieniem pozwu.\n\nPowód o tym wie."
    )
    expect(page.locator("#f-sygnatura")).to_have_value("1234/26")
    expect(page.locator("#f-data_nakazu")).to_have_value((delivered - timedelta(6)).isoformat())

    page.locator("#f-sygnatura").fill("")
    _type(page, "sygnatura", CASE_NUMBER)
    _pick_date(page, "data_doreczenia", delivered)
    assert _submit(page, "Przygotuj pismo") == 302  # post/redirect/get

    expect(page).to_have_url(CASE_URL)
    path = _case_path(page)
    expect(page.locator("h1.case-title")).to_have_text("Sprzeciw od nakazu zapłaty")
    letter = page.locator("article.letter.paper")
    expect(letter.locator("h1")).to_have_text("Sprzeciw od nakazu zapłaty")
    expect(letter.locator("p.right strong")).to_contain_text(COURT)
    expect(letter).to_contain_text(f"Sygn. akt: {CASE_NUMBER}")
    expect(letter).to_contain_text(f"Powód: {PLAINTIFF}")
    expect(letter).to_contain_text(f"Pozwany: {SENDER}")
    expect(letter).to_contain_text("art. 505 k.p.c.")
    expect(letter).to_contain_text("1\u00a0250,50\u00a0zł")
    expect(letter).to_contain_text(f"doręczonego mi w dniu {polish_date(delivered)}")
    expect(letter.locator("mark.blank")).to_have_count(0)
    expect(page.locator("#blanks-warning")).to_have_count(0)
    expect(page.locator("details#dane")).not_to_have_attribute("open", "")
    expect(page.locator("details.versions summary")).to_have_text("Wersje pisma (1)")

    # The deadline is the first thing on the case, computed from the delivery date.
    deadline = last_day(document_type("sprzeciw-nakaz").deadlines[0].rule, delivered)
    days = (deadline.last_day - today_in_poland()).days
    banner = page.locator("#deadline")
    expect(banner.locator(".deadline-main")).to_have_text(
        f"Masz czas do {until_phrase(deadline.last_day)} — {left_phrase(days)}."
    )
    banner_box, letter_box = banner.bounding_box(), letter.bounding_box()
    assert banner_box and letter_box and banner_box["y"] < letter_box["y"]
    banner.locator("summary", has_text="Skąd ten termin").click()
    expect(banner).to_contain_text("od doręczenia nakazu zapłaty (art. 502 § 1 k.p.c.)")
    expect(banner).to_contain_text(f"liczymy od {polish_date(delivered)}")
    with page.expect_download() as downloaded:
        banner.get_by_role("link", name="Dodaj do kalendarza (.ics)").click()
    assert downloaded.value.suggested_filename == "termin.ics"
    ics = Path(downloaded.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics
    assert f"DTSTART;VALUE=DATE:{deadline.last_day:%Y%m%d}" in ics, ics
    assert "Sprzeciw od nakazu zapłaty" in ics
    _no_sideways_scroll(page)

    page.get_by_role("button", name="Utwórz PDF").click()
    text = _pdf_text(phone, page)
    assert "Sprzeciw od nakazu zapłaty" in text, text
    assert SENDER in text, text
    assert "art. 505 k.p.c." in text, text
    assert CASE_NUMBER in text, text
    assert "[" not in text, text

    expect(page.locator("#deadline .deadline-main")).to_contain_text("Masz czas do")
    how = page.locator("#jak-wyslac")
    expect(how.locator("h2")).to_have_text("Jak wysłać pismo")
    expect(how).to_contain_text(COURT)
    expect(how).to_contain_text("listem poleconym w placówce Poczty Polskiej")
    expect(how).to_contain_text("dowody wymienione w sprzeciwie")
    expect(how).to_contain_text("Jeden egzemplarz dla sądu")
    expect(how.locator("dt")).to_have_text(
        ["Dokąd", "Jak", "Co dołączyć", "Ile egzemplarzy", "Opłata", "Na koniec"]
    )
    _no_sideways_scroll(page)
    assert path in page.url


def test_blanks_are_marked_and_asked_for_before_the_pdf(phone: BrowserContext, jobs: None) -> None:
    """Blanks allowed on the form are marked in the letter, and no PDF is made by accident."""
    page = phone.new_page()
    _open_form(page, "Mandat lub opłata za parkowanie", "Mandat przyjęty, ale wykroczenia nie było")
    expect(page.locator("h1")).to_have_text("Wniosek o uchylenie prawomocnego mandatu karnego")
    _type(page, "imie_nazwisko", "Zofia Jaźwińska")
    _type(page, "adres", "ul. Łąkowa 5\n30-001 Kraków")
    _type(page, "miejscowosc", "Kraków")
    _type(page, "miejsce_zdarzenia", "Kraków, ul. Długa")
    _type(page, "organ", "Straż Miejska w Krakowie")
    _pick_date(page, "data_mandatu", _days_ago(4))
    _type(page, "uzasadnienie", "Samochód stał na wyznaczonym miejscu, za postój zapłaciłam.")
    # The court, the mandate's number and the day it became final are not known yet.
    page.get_by_label("Nie znam jeszcze wszystkich danych").check()
    assert _submit(page, "Przygotuj pismo") == 302  # post/redirect/get

    expect(page).to_have_url(CASE_URL)
    letter = page.locator("article.letter.paper")
    blanks = letter.locator("mark.blank")
    expect(blanks).to_have_text(["[sąd rejonowy]", "[seria i numer mandatu]"])
    expect(page.locator("#blanks-warning")).to_contain_text("W piśmie zostały puste miejsca (2)")
    expect(page.locator("details#dane")).to_have_attribute("open", "")
    # No date to count from yet: the banner says what it waits for instead of guessing.
    expect(page.locator("#deadline")).to_contain_text(
        "Ostatni dzień policzymy, gdy podasz w danych pisma: „Data podpisania mandatu albo zapłaty”"
    )

    # The question is a page of its own (post/redirect/get), safe to reload.
    assert _submit(page, "Utwórz PDF") == 303
    expect(page).to_have_url(re.compile(r"/renders/blanks$"))
    expect(page.locator("h1")).to_have_text("W piśmie zostały puste miejsca")
    expect(page.locator("ul.blanks mark.blank")).to_have_text(
        ["[sąd rejonowy]", "[seria i numer mandatu]"]
    )
    expect(page.get_by_role("button", name=re.compile("^Utwórz PDF mimo to"))).to_be_visible()
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Uzupełnij dane").click()

    expect(page).to_have_url(re.compile(r"/conversations/[A-Za-z0-9_-]+#dane$"))
    form = page.locator("details#dane")
    expect(form).to_have_attribute("open", "")
    expect(form.get_by_label("Imię i nazwisko")).to_have_value("Zofia Jaźwińska")
    _type(page, "sad", "Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie")
    _type(page, "seria_numer", "cw1234567")
    signed = _days_ago(2)
    _pick_date(page, "data_prawomocnosci", signed)
    assert _submit(page, "Zapisz dane i utwórz nową wersję") == 302

    expect(page.locator(".flash").first).to_have_text("Zapisano dane i wersję 2 pisma.")
    expect(page.locator("#blanks-warning")).to_have_count(0)
    expect(letter.locator("mark.blank")).to_have_count(0)
    expect(letter).to_contain_text("mandatu karnego CW 1234567")
    expect(letter).to_contain_text("Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie")
    expect(page.locator("details.versions summary")).to_have_text("Wersje pisma (2)")
    deadline = last_day(document_type("uchylenie-mandatu").deadlines[0].rule, signed).last_day
    expect(page.locator("#deadline .deadline-main")).to_contain_text(
        f"Masz czas do {until_phrase(deadline)}"
    )

    page.get_by_role("button", name="Utwórz PDF").click()
    text = _pdf_text(phone, page)
    expect(page.locator(".render")).to_contain_text("wersja 2 pisma")
    assert "Wniosek o uchylenie prawomocnego mandatu karnego" in text, text
    assert "CW 1234567" in text, text
    assert "Zofia Jaźwińska" in text, text
    assert "[" not in text, text
    expect(page.locator("#jak-wyslac")).to_contain_text("kopia mandatu")


def _count_cases(app: Flask) -> int:
    with app.app_context():
        count = db.session.query(Conversation).count()
        db.session.remove()
        return count


def test_out_of_scope_gets_help_not_a_letter(phone: BrowserContext, app: Flask) -> None:
    """A criminal case, "none of these" and an 80 000 zł claim: an explanation, no case."""
    page = phone.new_page()
    page.goto("/")
    page.get_by_role("link", name=re.compile("^Mandat lub opłata za parkowanie")).click()
    page.get_by_role("link", name=re.compile("^To sprawa karna, np. jazda po alkoholu")).click()
    expect(page).to_have_url(re.compile(r"/pisma/poza-zakresem/przestepstwo$"))
    expect(page.locator("h1")).to_have_text("Nie przygotujemy tu pisma")
    refusal = page.locator("#poza-zakresem")
    expect(refusal.locator("h2")).to_have_text("Sprawa karna: tu potrzebny jest obrońca")
    expect(refusal).to_contain_text("art. 178a k.k.")
    expect(refusal).to_contain_text("Nieodpłatna pomoc prawna")
    expect(page.locator("form, input, textarea, select")).to_have_count(0)
    _no_sideways_scroll(page)

    page.goto("/")
    page.get_by_role("link", name=re.compile("^Żadne z powyższych")).click()
    expect(page).to_have_url(re.compile(r"/pisma/poza-zakresem/inne$"))
    expect(page.locator("#poza-zakresem h2")).to_have_text("Tej sprawy nie obsługujemy")
    expect(page.locator("#poza-zakresem")).to_contain_text("Nieodpłatna pomoc prawna")

    page.goto("/pisma/pismo/sprzeciw-nakaz")
    _fill_payment_order(page, amount="80000", delivered=_days_ago(3))
    _type(page, "sygnatura", CASE_NUMBER)
    # The form comes back with the reason and everything typed, in case the amount was a typo.
    assert _submit(page, "Przygotuj pismo") == 422
    expect(page.locator("#f-kwota")).to_have_value("80000")
    expect(page.locator("#poza-zakresem h2")).to_have_text("Duża sprawa: warto mieć prawnika")
    expect(page.locator("#poza-zakresem")).to_contain_text("20 000 zł")
    expect(page.locator("#poza-zakresem")).to_contain_text("Adwokat lub radca prawny.")
    assert _count_cases(app) == 0


def _labelled(page: Page, control: Locator) -> None:
    """The control has a visible label that names it (what get_by_label finds)."""
    control_id = control.get_attribute("id")
    assert control_id, control.evaluate("e => e.outerHTML")
    label = page.locator(f'label[for="{control_id}"]')
    expect(label).to_have_count(1)
    expect(label).to_be_visible()
    name = " ".join(label.inner_text().split())
    found = page.get_by_label(name, exact=True)
    expect(found).to_have_count(1)
    expect(found).to_have_attribute("id", control_id)


def test_every_form_fits_a_phone_and_labels_its_fields(phone: BrowserContext) -> None:
    """Each document's form: no sideways scroll at 390 px and a visible label on every field."""
    page = phone.new_page()
    for document in DOCUMENT_TYPES:
        response = page.goto(f"/pisma/pismo/{document.key}")
        assert response is not None and response.status == 200, document.key
        expect(page.locator("h1")).to_have_text(document.name)
        _no_sideways_scroll(page)
        controls = page.locator("#fields-form").locator(
            "input:not([type=hidden]), textarea, select"
        )
        # Every field of the document, and the "blanks_ok" checkbox.
        expect(controls).to_have_count(len(document.fields) + 1)
        for index in range(controls.count()):
            _labelled(page, controls.nth(index))
        for field in document.fields:
            if field.kind.value == "date":
                expect(page.locator(f"#f-{field.key}")).to_have_attribute("type", "date")
        box = page.get_by_role("button", name="Przygotuj pismo").bounding_box()
        assert box is not None and box["height"] >= 44, (document.key, box)


def _quick_case(page: Page, *, blanks: bool) -> None:
    """A payment-order case from its form: complete, or with only the sender's name given."""
    page.goto("/pisma/pismo/sprzeciw-nakaz")
    if blanks:
        _type(page, "imie_nazwisko", SENDER)
        page.get_by_label("Nie znam jeszcze wszystkich danych").check()
    else:
        _fill_payment_order(page, amount="1250", delivered=_days_ago(3))
        _type(page, "sygnatura", CASE_NUMBER)
    assert _submit(page, "Przygotuj pismo") == 302
    expect(page).to_have_url(CASE_URL)


def test_refused_form_keeps_the_blanks_choice(phone: BrowserContext) -> None:
    """A refused form keeps everything the person chose, the blanks checkbox included."""
    page = phone.new_page()
    page.goto("/pisma/pismo/sprzeciw-nakaz")
    _type(page, "imie_nazwisko", SENDER)
    _type(page, "sygnatura", "1234/26")
    page.get_by_label("Nie znam jeszcze wszystkich danych").check()
    assert _submit(page, "Przygotuj pismo") == 422
    # Blanks were allowed, so the case number is the only complaint.
    expect(page.locator(".field-error")).to_have_count(1)
    expect(page.locator("#f-sygnatura-error")).to_be_visible()
    assert page.get_by_label("Nie znam jeszcze wszystkich danych").is_checked()


def test_filling_one_blank_at_a_time(phone: BrowserContext) -> None:
    """On a letter with blanks, the person can fill them in one at a time."""
    page = phone.new_page()
    _quick_case(page, blanks=True)
    _type(page, "miejscowosc", "Poznań")
    assert _submit(page, "Zapisz dane i utwórz nową wersję") == 302


def test_deadline_is_on_screen_when_the_case_opens(phone: BrowserContext) -> None:
    """Right after the form, the phone's screen shows the person's own deadline."""
    page = phone.new_page()
    _quick_case(page, blanks=False)
    expect(page.locator("#deadline .deadline-main")).to_contain_text("Masz czas do")
    box = page.locator("#deadline").bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["viewport"]["height"], box
