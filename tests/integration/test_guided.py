"""The guided path and editing by fields: no model, no JavaScript, every document type."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from icalendar import Calendar

from app.extensions import db
from app.legal.documents import DOCUMENT_TYPES, DocumentType
from app.legal.fields import Kind
from app.models import Conversation, DocumentVersion, VersionAuthor
from app.services.case_deadlines import for_case
from app.services.dates import today_in_poland
from tests.helpers import SAMPLE_FIELDS, Browser, text_of, wait_for


def _form(document: DocumentType, **changes: str) -> dict[str, str]:
    values = {field.key: SAMPLE_FIELDS.get(field.key, "") for field in document.fields}
    if document.key == "sprzeciw-epu":
        values["sygnatura"] = "VI Nc-e 1234567/26"
    return {**values, **changes}


def _versions(app: Flask) -> list[DocumentVersion]:
    with app.app_context():
        return list(db.session.scalars(db.select(DocumentVersion).order_by(DocumentVersion.id)))


def _conversations(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Conversation))


def _create(browser: Browser, key: str, data: dict[str, str]) -> str:
    response = browser.post(f"/pisma/pismo/{key}", data)
    assert response.status_code == 302, text_of(response)[:2000]
    return response.headers["Location"].split("#", 1)[0]


def test_the_steps_lead_to_every_form(browser: Browser) -> None:
    topics = text_of(browser.get("/pisma"))
    assert "Czego dotyczy Twoja sprawa?" in topics and "Żadne z powyższych" in topics
    situations = text_of(browser.get("/pisma/nakaz-zaplaty"))
    assert "Co dokładnie się stało?" in situations
    assert 'href="/pisma/pismo/sprzeciw-nakaz"' in situations
    assert 'href="/pisma/poza-zakresem/sad-okregowy"' in situations
    for document in DOCUMENT_TYPES:
        page = text_of(browser.get(f"/pisma/pismo/{document.key}"))
        assert f"<h1>{document.name}</h1>" in page
        assert page.count('class="field') >= len(document.fields)
    for path in ("/pisma/nie-ma", "/pisma/pismo/nie-ma", "/pisma/poza-zakresem/nie-ma"):
        assert browser.get(path).status_code == 404


@pytest.mark.parametrize("document", DOCUMENT_TYPES, ids=lambda d: d.key)
def test_every_document_is_built_from_its_form(
    app: Flask, browser: Browser, document: DocumentType
) -> None:
    url = _create(browser, document.key, _form(document))
    page = text_of(browser.get(url))
    assert f"{document.name}</h1>" in page
    assert 'id="blanks-warning"' not in page and 'class="blank"' not in page
    fixed = document.addressee.name.splitlines()
    addressee = fixed[0] if fixed else SAMPLE_FIELDS[document.addressee.name_field]
    assert addressee in page
    [version] = _versions(app)
    assert version.author == VersionAuthor.TEMPLATE and version.doc_type == document.key
    basis = document.letter_basis(version.fields)
    assert basis in version.html
    # The deadline: computed where the document has a rule and its date, else explained.
    deadline = for_case(document, version.fields, today_in_poland())
    if deadline is not None and deadline.deadline is not None:
        assert 'id="deadline"' in page
        assert re.search(
            r"Masz czas do|Termin minął|Dziś, |Odpowiedź powinna przyjść|co najmniej do", page
        )
    elif document.no_deadline:
        assert document.no_deadline in page


def test_invalid_fields_are_refused_and_kept(app: Flask, browser: Browser) -> None:
    document = next(d for d in DOCUMENT_TYPES if d.key == "sprzeciw-nakaz")
    data = _form(
        document,
        data_doreczenia="31.02.2026",
        sygnatura="nie wiem",
        kwota="dużo",
        imie_nazwisko="Anna <b>Nowak</b>",
        powod="",
    )
    response = browser.post("/pisma/pismo/sprzeciw-nakaz", data)
    assert response.status_code == 422
    page = text_of(response)
    assert "popraw zaznaczone pola" in page
    assert "Wpisz datę, np. 20.11.2026." in page
    assert "Sygnatura wygląda inaczej" in page and "Wpisz kwotę w złotych" in page
    assert "To pole jest wymagane." in page
    # Everything typed is still there, escaped.
    assert 'value="31.02.2026"' in page and 'value="nie wiem"' in page
    assert 'value="Anna &lt;b&gt;Nowak&lt;/b&gt;"' in page
    assert _conversations(app) == 0


def test_future_dates_are_refused(browser: Browser) -> None:
    document = next(d for d in DOCUMENT_TYPES if d.key == "uchylenie-mandatu")
    tomorrow = date.fromordinal(today_in_poland().toordinal() + 2).isoformat()
    response = browser.post(
        "/pisma/pismo/uchylenie-mandatu", _form(document, data_prawomocnosci=tomorrow)
    )
    assert response.status_code == 422
    assert "Ta data jest w przyszłości" in text_of(response)


def test_out_of_scope_fields_get_no_letter(app: Flask, browser: Browser) -> None:
    document = next(d for d in DOCUMENT_TYPES if d.key == "odpowiedz-na-pozew")
    response = browser.post("/pisma/pismo/odpowiedz-na-pozew", _form(document, kwota="80000"))
    assert response.status_code == 422
    refused = text_of(response)
    # The reason, and everything typed kept (the amount may be a typo).
    assert "Duża sprawa: warto mieć prawnika" in refused and 'value="80000"' in refused
    court = _form(document, sad="Sąd Okręgowy w Krakowie, I Wydział Cywilny")
    response = browser.post("/pisma/pismo/odpowiedz-na-pozew", court)
    assert response.status_code == 422 and "Duża sprawa" in text_of(response)
    assert _conversations(app) == 0
    page = text_of(browser.get("/pisma/poza-zakresem/sad-okregowy"))
    assert "Duża sprawa: warto mieć prawnika" in page and "Nieodpłatna pomoc prawna" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_blanks_are_marked_and_asked_before_the_pdf(
    app: Flask, browser: Browser, jobs: None
) -> None:
    document = next(d for d in DOCUMENT_TYPES if d.key == "sprzeciw-nakaz")
    data = _form(document, sygnatura="", powod="", blanks_ok="1")
    url = _create(browser, "sprzeciw-nakaz", data)
    page = text_of(browser.get(url))
    assert '<mark class="blank">[sygnatura akt]</mark>' in page
    assert '<mark class="blank">[powód]</mark>' in page and 'id="blanks-warning"' in page
    [version] = _versions(app)
    assert "<mark" not in version.html  # highlighting is for the preview only

    asked = browser.post(f"{url}/renders")
    assert asked.status_code == 303 and asked.headers["Location"].endswith("/renders/blanks")
    text = text_of(browser.get(asked.headers["Location"]))
    assert "W piśmie zostały puste miejsca" in text and "[sygnatura akt]" in text
    knowingly = browser.post(f"{url}/renders", {"blanks_ok": "1"})
    assert knowingly.status_code == 302 and "/renders/" in knowingly.headers["Location"]
    status = knowingly.headers["Location"]
    wait_for(lambda: "PDF jest gotowy" in text_of(browser.get(status)))

    # Filling the blanks by fields makes a new version without them.
    filled = _form(document, base_version="1")
    assert browser.post(f"{url}/document/fields", filled).status_code == 302
    page = text_of(browser.get(url))
    assert 'id="blanks-warning"' not in page and "Zapisano dane i wersję 2 pisma." in page
    versions = _versions(app)
    assert [v.author for v in versions] == [VersionAuthor.TEMPLATE, VersionAuthor.PERSON]
    assert versions[1].fields["sygnatura"] == "I Nc 123/26"


def test_field_edits_are_versions_that_never_overwrite(app: Flask, browser: Browser) -> None:
    document = next(d for d in DOCUMENT_TYPES if d.key == "usuniecie-danych")
    url = _create(browser, document.key, _form(document))
    same = _form(document, base_version="1")
    browser.post(f"{url}/document/fields", same)
    assert "Dane się nie zmieniły" in text_of(browser.get(url))
    stale = _form(document, zakres="tylko historia zamówień", base_version="0")
    response = browser.post(f"{url}/document/fields", stale)
    assert response.status_code == 422
    assert 'value="tylko historia zamówień"' in text_of(response)
    bad = _form(document, administrator="", base_version="1")
    response = browser.post(f"{url}/document/fields", bad)
    assert response.status_code == 422 and "To pole jest wymagane." in text_of(response)
    assert len(_versions(app)) == 1


def test_the_deadline_goes_to_the_calendar(browser: Browser, other_browser: Browser) -> None:
    document = next(d for d in DOCUMENT_TYPES if d.key == "sprzeciw-nakaz")
    delivered = date.fromordinal(today_in_poland().toordinal() - 1)
    url = _create(browser, document.key, _form(document, data_doreczenia=delivered.isoformat()))
    page = text_of(browser.get(url))
    expected = for_case(document, {"data_doreczenia": delivered.isoformat()}, today_in_poland())
    assert expected is not None and expected.deadline is not None
    assert "Masz czas do" in page and "2 tygodnie od doręczenia nakazu zapłaty" in page
    response = browser.get(f"{url}/termin.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == expected.deadline.last_day
    assert "Sprzeciw od nakazu zapłaty" in str(event["summary"])
    assert other_browser.get(f"{url}/termin.ics").status_code == 404
    other_browser.get("/")
    fields = _form(document, base_version="1")
    assert other_browser.post(f"{url}/document/fields", fields).status_code == 404


def test_without_a_date_the_deadline_says_what_it_depends_on(browser: Browser) -> None:
    document = next(d for d in DOCUMENT_TYPES if d.key == "sprzeciw-nakaz")
    data = _form(document, data_doreczenia="", blanks_ok="1")
    url = _create(browser, document.key, data)
    page = text_of(browser.get(url))
    assert "Ostatni dzień policzymy, gdy podasz w danych pisma: „Data doręczenia”" in page
    assert browser.get(f"{url}/termin.ics").status_code == 404


def test_the_finished_pdf_says_how_to_send_it(browser: Browser, jobs: None) -> None:
    document = next(d for d in DOCUMENT_TYPES if d.key == "zarzuty-nakaz")
    url = _create(browser, document.key, _form(document))
    render_url = browser.post(f"{url}/renders").headers["Location"]

    def ready() -> str | None:
        text = text_of(browser.get(render_url))
        return text if "PDF jest gotowy" in text else None

    page = wait_for(ready)
    assert 'id="jak-wyslac"' in page
    assert "Sąd Rejonowy dla Krakowa-Śródmieścia" in page
    assert "Poczty Polskiej" in page and "kuriera nie jest" in page
    assert "konsument płaci najwyżej 750 zł" in page
    assert "Do sprawdzenia." in page  # copies are a reviewed extension, not LEGAL.md
    assert 'id="deadline"' in page


def test_choosing_a_situation_in_a_chat_case(app: Flask, browser: Browser) -> None:
    url = browser.start()
    page = text_of(browser.get(url))
    assert 'id="situation-choice"' in page
    browser.post(f"{url}/situation", {"situation": "nie-ma"})
    assert "Nie znamy takiego rodzaju pisma" in text_of(browser.get(url))
    browser.post(f"{url}/situation", {"situation": "przestepstwo"})
    page = text_of(browser.get(url))
    assert "Sprawa karna: tu potrzebny jest obrońca" in page
    browser.post(f"{url}/situation", {"situation": "dostep-do-danych"})
    page = text_of(browser.get(url))
    assert 'id="fields-form"' in page and "Sprawa karna" not in page


def test_hostile_field_values_stay_text(app: Flask, browser: Browser) -> None:
    document = next(d for d in DOCUMENT_TYPES if d.key == "zgloszenie-dsa")
    hostile = "<img src=x onerror=alert(1)> {{ 7*7 }} \u202eevil"
    url = _create(
        browser, document.key, _form(document, uzasadnienie=hostile, platforma="X {% if %}")
    )
    page = text_of(browser.get(url))
    assert "<img" not in page.split('aria-label="Podgląd pisma"', 1)[1]
    [version] = _versions(app)
    assert "&lt;img src=x onerror=alert(1)&gt; {{ 7*7 }} evil" in version.html
    assert "\u202e" not in version.html and "49" not in version.html
    assert "X {% if %}" in version.html


def test_fields_kinds_offer_the_right_inputs(browser: Browser) -> None:
    page = text_of(browser.get("/pisma/pismo/prywatny-akt-oskarzenia"))
    document = next(d for d in DOCUMENT_TYPES if d.key == "prywatny-akt-oskarzenia")
    for field in document.fields:
        if field.kind == Kind.DATE:
            assert f'id="f-{field.key}" name="{field.key}" type="date"' in page
        elif field.kind == Kind.CHOICE:
            assert f'<select id="f-{field.key}"' in page
        elif field.multiline:
            assert f'<textarea id="f-{field.key}"' in page
        assert f'<label for="f-{field.key}">' in page
