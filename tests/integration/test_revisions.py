"""Revising the letter's free text with the model: a new version to compare and undo."""

from __future__ import annotations

import json

from flask import Flask

from app.extensions import db
from app.models import DocumentVersion, Message, MessageKind, MessageStatus, VersionAuthor
from tests.fake_ollama import FakeOllama
from tests.helpers import SAMPLE_FIELDS, Browser, text_of

FIELDS = {
    key: SAMPLE_FIELDS[key]
    for key in (
        "imie_nazwisko", "adres", "miejscowosc", "sad", "sad_adres", "sygnatura", "powod",
        "powod_adres", "data_nakazu", "data_doreczenia", "kwota", "uzasadnienie", "dowody",
    )
}  # fmt: skip


def _versions(app: Flask) -> list[DocumentVersion]:
    with app.app_context():
        return list(db.session.scalars(db.select(DocumentVersion).order_by(DocumentVersion.id)))


def _turns(app: Flask) -> list[Message]:
    with app.app_context():
        query = db.select(Message).where(Message.kind == MessageKind.REVISE)
        return list(db.session.scalars(query.order_by(Message.id)))


def _case(browser: Browser) -> str:
    response = browser.post("/pisma/pismo/sprzeciw-nakaz", FIELDS)
    assert response.status_code == 302
    return response.headers["Location"].split("#", 1)[0]


def test_one_paragraph_is_revised_as_a_new_version(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = _case(browser)
    page = text_of(browser.get(url))
    assert "Popraw z asystentem" in page and 'value="uzasadnienie:1"' in page
    fake_ollama.push_reply(json.dumps({"tekst": "Powód wiedział o wpłacie przed pozwem."}))
    response = browser.post(f"{url}/document/revise", {"target": "uzasadnienie:1", "how": "formal"})
    assert response.status_code == 302
    browser.wait_idle(url)
    request = fake_ollama.chat_requests[-1]
    assert request["format"]["required"] == ["tekst"]
    assert "Powód o tym wiedział." in request["messages"][-1]["content"]
    first, second = _versions(app)
    assert second.author == VersionAuthor.MODEL and second.number == 2
    assert second.fields["uzasadnienie"] == (
        "Zapłaciłam fakturę przed wniesieniem pozwu.\n\nPowód wiedział o wpłacie przed pozwem."
    )
    # Everything else, the legal parts included, stays the template's.
    assert {k: v for k, v in second.fields.items() if k != "uzasadnienie"} == {
        k: v for k, v in first.fields.items() if k != "uzasadnienie"
    }
    page = text_of(browser.get(url))
    assert "Poprawiona wersja pisma jest gotowa" in page
    assert "document/compare?a=1&amp;b=2" in page
    compare = text_of(browser.get(f"{url}/document/compare?a=1&b=2"))
    assert "<ins" in compare and "<del" in compare
    # Undo: restoring version 1 makes version 3 with the old text.
    browser.post(f"{url}/document/versions/1/restore", {"base_version": "2"})
    assert _versions(app)[-1].fields["uzasadnienie"] == first.fields["uzasadnienie"]


def test_the_whole_free_text_is_revised_in_one_turn(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = _case(browser)
    answer = {"uzasadnienie": "Nowy opis.\n\nDrugi akapit.", "dowody": "przelew z 3 marca"}
    fake_ollama.push_reply(json.dumps(answer, ensure_ascii=False))
    browser.post(f"{url}/document/revise", {"target": "all", "how": "shorter"})
    browser.wait_idle(url)
    request = fake_ollama.chat_requests[-1]
    assert set(request["format"]["required"]) == {"uzasadnienie", "dowody"}
    latest = _versions(app)[-1]
    assert latest.fields["uzasadnienie"] == "Nowy opis.\n\nDrugi akapit."
    assert latest.fields["dowody"] == "przelew z 3 marca"


def test_bad_answers_change_nothing(app: Flask, browser: Browser, fake_ollama: FakeOllama) -> None:
    url = _case(browser)
    for answer in ("nie JSON", json.dumps({"tekst": ""}), json.dumps({"tekst": "x" * 9000})):
        fake_ollama.push_reply(answer)
        browser.post(f"{url}/document/revise", {"target": "uzasadnienie:0", "how": "formal"})
        browser.wait_idle(url)
    assert len(_versions(app)) == 1
    turns = _turns(app)
    assert [t.status for t in turns] == [MessageStatus.ERROR] * 3
    assert "Pismo zostało bez zmian" in text_of(browser.get(url))


def test_requests_are_checked_before_the_model(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = _case(browser)
    calls = len(fake_ollama.chat_requests)
    for form in (
        {"target": "uzasadnienie:9", "how": "formal"},
        {"target": "sad:0", "how": "formal"},
        {"target": "uzasadnienie:0", "how": "rhyme"},
        {"target": "uzasadnienie:0", "how": "fact"},
        {"target": "all", "how": "fact", "fact": "x"},
        {"target": "../../x", "how": "formal"},
    ):
        browser.post(f"{url}/document/revise", form)
        assert "Nie wiemy, co poprawić" in text_of(browser.get(url)), form
    assert len(fake_ollama.chat_requests) == calls and _turns(app) == []


def test_a_whole_text_edit_cannot_be_revised(app: Flask, browser: Browser) -> None:
    url = _case(browser)
    browser.post(f"{url}/document", {"html": "<p>Mój własny tekst.</p>", "base_version": "1"})
    page = text_of(browser.get(url))
    assert "Popraw z asystentem" not in page
    browser.post(f"{url}/document/revise", {"target": "uzasadnienie:0", "how": "formal"})
    assert "Poprawiać z asystentem można pismo przygotowane z danych" in text_of(browser.get(url))


def test_a_stranger_cannot_revise(browser: Browser, other_browser: Browser) -> None:
    url = _case(browser)
    other_browser.get("/")
    response = other_browser.post(
        f"{url}/document/revise", {"target": "uzasadnienie:0", "how": "formal"}
    )
    assert response.status_code == 404
