"""The letter: drafted from fields the model extracts, edited by the person, versioned."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from flask import Flask

from app.extensions import db
from app.models import Conversation, DocumentVersion, VersionAuthor
from app.services import documents
from tests.fake_ollama import FakeOllama
from tests.helpers import SAMPLE_FIELDS, Browser, text_of

SITUATION = json.dumps({"situation": "sprzeciw-nakaz"})


def _fields(**changes: str) -> str:
    """The extraction answer for a sprzeciw: the sample fields with some changed."""
    return json.dumps({**SAMPLE_FIELDS, **changes}, ensure_ascii=False)


def _versions(app: Flask) -> list[DocumentVersion]:
    with app.app_context():
        return list(db.session.scalars(db.select(DocumentVersion).order_by(DocumentVersion.id)))


def _textarea(page: str) -> str:
    found = re.search(r'<textarea id="document-html"[^>]*>(.*?)</textarea>', page, re.S)
    assert found
    return found.group(1)


def test_draft_uses_structured_output_and_the_catalogue(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Dostałam nakaz zapłaty", topic="nakaz-zaplaty")
    fake_ollama.push_reply(SITUATION)
    fake_ollama.push_reply(_fields(uzasadnienie="Zapłaciłam.\n\n<script>alert(1)</script>"))
    response = browser.draft(url)
    assert response.status_code == 302
    classify, extract = fake_ollama.chat_requests[-2:]
    assert classify["format"]["properties"]["situation"]["enum"][0] == "sprzeciw-nakaz"
    # The model is asked for the document's fields only, never for law or the addressee.
    assert "data_doreczenia" in extract["format"]["properties"]
    assert "podstawa" not in json.dumps(extract["format"])
    assert extract["stream"] is True
    page = text_of(browser.get(url))
    assert "Sprzeciw od nakazu zapłaty</h1>" in page
    assert "art. 505 k.p.c." in page and "<strong>Powód:</strong>" in page
    assert "Masz czas do" in page or "Termin minął" in page  # the deadline from the fields
    assert 'id="unlisted-law"' not in page  # the catalogue's own basis is not flagged
    assert "<script>alert(1)" not in page
    [version] = _versions(app)
    assert version.author == VersionAuthor.MODEL and version.number == 1
    assert version.doc_type == "sprzeciw-nakaz"
    assert version.fields["data_doreczenia"] == "2026-11-20"
    assert "Anna Nowak" in version.html and "&lt;script&gt;" in version.html
    assert "Wersje pisma (1)" in page


def test_a_partial_extraction_asks_for_the_rest(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Nakaz zapłaty", topic="nakaz-zaplaty")
    fake_ollama.push_reply(SITUATION)
    fake_ollama.push_reply(
        json.dumps({"imie_nazwisko": "Anna Nowak", "sygnatura": "nie wiem", "kwota": [1, 2]})
    )
    browser.draft(url)
    page = text_of(browser.get(url))
    # What it found fills the form; what it could not find (or got wrong) is asked for.
    assert 'value="Anna Nowak"' in page
    assert 'id="f-sygnatura" name="sygnatura" type="text" value=""' in page
    assert "brakuje w nim niektórych danych" in page
    assert '<mark class="blank">[sygnatura akt]</mark>' in page
    assert 'id="blanks-warning"' in page
    [version] = _versions(app)
    assert version.fields == {"imie_nazwisko": "Anna Nowak"}


@pytest.mark.parametrize(
    "answer",
    ["to nie JSON", "[1, 2]", json.dumps({"situation": "wymyslona"}), json.dumps({"x": 1})],
)
def test_malformed_classification_is_bad_output(
    app: Flask, browser: Browser, fake_ollama: FakeOllama, answer: str
) -> None:
    url = browser.start("Nakaz", topic="nakaz-zaplaty")
    fake_ollama.push_reply(answer)
    browser.draft(url)
    page = text_of(browser.get(url))
    assert "Model nie przygotował poprawnego pisma" in page
    assert _versions(app) == []
    # The guided form is the fallback: the person can pick the document themselves.
    assert 'id="situation-choice"' in page


def test_out_of_scope_words_never_reach_the_model(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Zatrzymali mnie, miałem 1,2 promila, co teraz?", topic="mandat")
    requests = len(fake_ollama.chat_requests)
    browser.draft(url)
    assert len(fake_ollama.chat_requests) == requests
    page = text_of(browser.get(url))
    assert "Sprawa karna: tu potrzebny jest obrońca" in page
    assert "Nieodpłatna pomoc prawna" in page
    assert _versions(app) == []


def test_out_of_scope_situation_from_the_model_gets_no_letter(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Przyszedł mandat z fotoradaru, ale nie z Polski")
    fake_ollama.push_reply(json.dumps({"situation": "za-granica"}))
    browser.draft(url)
    page = text_of(browser.get(url))
    assert "Sprawa za granicą" in page and "ECK Polska" in page
    assert _versions(app) == []


def test_a_large_claim_is_refused_by_the_fields(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Dostałem pozew", topic="nakaz-zaplaty")
    fake_ollama.push_reply(SITUATION)
    fake_ollama.push_reply(_fields(kwota="80000"))
    browser.draft(url)
    page = text_of(browser.get(url))
    assert "Duża sprawa: warto mieć prawnika" in page
    assert _versions(app) == []


def test_the_model_down_leaves_the_guided_form(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Nakaz", topic="nakaz-zaplaty")
    fake_ollama.push_error(500, "model crashed")
    browser.draft(url)
    page = text_of(browser.get(url))
    assert 'id="situation-choice"' in page
    browser.post(f"{url}/situation", {"situation": "sprzeciw-nakaz"})
    page = text_of(browser.get(url))
    assert 'id="fields-form"' in page
    fields = {key: SAMPLE_FIELDS[key] for key in SAMPLE_FIELDS}
    response = browser.post(f"{url}/document/fields", {**fields, "base_version": "0"})
    assert response.status_code == 302
    [version] = _versions(app)
    assert version.author == VersionAuthor.PERSON and version.doc_type == "sprzeciw-nakaz"


def test_draft_needs_a_conversation_first(app: Flask, browser: Browser) -> None:
    url = browser.start()
    browser.post(f"{url}/document/draft")
    assert "Najpierw opisz swoją sprawę" in text_of(browser.get(url))
    assert _versions(app) == []


def test_bad_model_output_leaves_the_document_alone(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Sprawa", topic="rodo")
    browser.draft(url)
    fake_ollama.push_reply("to nie jest JSON")
    browser.draft(url)
    assert "Model nie przygotował poprawnego pisma" in text_of(browser.get(url))
    assert len(_versions(app)) == 1


def test_draft_when_model_is_down(app: Flask, browser: Browser, fake_ollama: FakeOllama) -> None:
    url = browser.start("Sprawa")
    fake_ollama.push_error(500, "out of memory")
    browser.draft(url)
    page = text_of(browser.get(url))
    assert "zwrócił błąd, więc pismo nie powstało" in page
    assert "wiadomość jest zapisana" not in page
    assert _versions(app) == []


def test_person_edits_make_new_versions(app: Flask, browser: Browser) -> None:
    url = browser.start("Sprawa")
    browser.draft(url)
    edited = "<h1>Moje pismo</h1><p>Zażółć gęślą jaźń</p><script>alert(1)</script>"
    response = browser.post(f"{url}/document", {"html": edited, "base_version": "1"})
    assert response.status_code == 302
    page = text_of(browser.get(url))
    assert "Zapisano wersję 2 pisma." in page
    assert "Wersje pisma (2)" in page
    versions = _versions(app)
    assert [v.author for v in versions] == [VersionAuthor.MODEL, VersionAuthor.PERSON]
    assert versions[1].html == "<h1>Moje pismo</h1><p>Zażółć gęślą jaźń</p>"
    old = text_of(browser.get(f"{url}/document/versions/1"))
    assert "wersja 1" in old and "Moje pismo" not in old
    # Saving the same text again changes nothing.
    browser.post(f"{url}/document", {"html": versions[1].html, "base_version": "2"})
    assert "nie utworzono nowej wersji" in text_of(browser.get(url))
    assert len(_versions(app)) == 2


def test_person_can_write_without_the_model(app: Flask, browser: Browser) -> None:
    url = browser.start()
    browser.post(f"{url}/document", {"html": "<p>Własne pismo</p>", "base_version": "0"})
    [version] = _versions(app)
    assert version.author == VersionAuthor.PERSON and version.number == 1


def test_stale_edit_keeps_the_text_and_the_newer_version(app: Flask, browser: Browser) -> None:
    url = browser.start()
    browser.post(f"{url}/document", {"html": "<p>Pierwsza</p>", "base_version": "0"})
    browser.post(f"{url}/document", {"html": "<p>Druga</p>", "base_version": "1"})
    response = browser.post(
        f"{url}/document", {"html": "<p>Z innej karty</p>", "base_version": "1"}
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "nowszą wersję" in page
    assert "Z innej karty" in _textarea(page)
    assert [v.html for v in _versions(app)] == ["<p>Pierwsza</p>", "<p>Druga</p>"]


def test_rejected_html_loses_nothing(app: Flask, browser: Browser) -> None:
    url = browser.start()
    browser.post(f"{url}/document", {"html": "<p>Zapisane</p>", "base_version": "0"})
    deep = "<blockquote>" * 40 + "głęboko" + "</blockquote>" * 40
    for bad, message in ((deep, "zagnieżdżone"), ("<p> </p>", "puste")):
        response = browser.post(f"{url}/document", {"html": bad, "base_version": "1"})
        assert response.status_code == 422
        assert message in text_of(response)
    assert "głęboko" in _textarea(
        text_of(browser.post(f"{url}/document", {"html": deep, "base_version": "1"}))
    )
    assert [v.html for v in _versions(app)] == ["<p>Zapisane</p>"]


def test_bad_base_version_is_treated_as_stale(app: Flask, browser: Browser) -> None:
    url = browser.start()
    response = browser.post(f"{url}/document", {"html": "<p>x</p>", "base_version": "abc"})
    assert response.status_code == 422
    assert _versions(app) == []


def test_plain_text_edit_keeps_paragraphs(app: Flask, browser: Browser) -> None:
    url = browser.start()
    text = "Jan Kowalski\r\nul. Polna 1\r\n\r\nWnoszę o uchylenie."
    browser.post(f"{url}/document", {"html": text, "base_version": "0"})
    [version] = _versions(app)
    assert version.html == "<p>Jan Kowalski<br>ul. Polna 1</p>\n<p>Wnoszę o uchylenie.</p>"


def test_model_citations_get_a_warning(browser: Browser, fake_ollama: FakeOllama) -> None:
    url = browser.start("Nakaz", topic="nakaz-zaplaty")
    fake_ollama.push_reply(SITUATION)
    fake_ollama.push_reply(_fields(uzasadnienie="Na podstawie art. 999 k.p.c. wnoszę o oddalenie."))
    browser.draft(url)
    page = text_of(browser.get(url))
    assert 'id="unlisted-law"' in page and "przepisy spoza naszego sprawdzonego katalogu" in page
    # The note follows the letter, not the moment: it stays after a reload...
    assert 'id="unlisted-law"' in text_of(browser.get(url))
    # ...and goes once the person removes the citation.
    edited = "<p>Wnoszę o oddalenie powództwa.</p>"
    browser.post(f"{url}/document", {"html": edited, "base_version": "1"})
    assert 'id="unlisted-law"' not in text_of(browser.get(url))


def _conversation(public_url: str) -> Conversation:
    public_id = public_url.rsplit("/", 1)[1]
    query = db.select(Conversation).where(Conversation.public_id == public_id)
    return db.session.scalars(query).one()


def _save_behind_our_back(document_id: int, number: int, html: str) -> None:
    """Another request (its own connection) saves a version while ours is in flight."""
    with db.engine.connect() as other:
        other.execute(  # through the table's types: the HTML is stored encrypted
            DocumentVersion.__table__.insert().values(
                document_id=document_id,
                number=number,
                author="person",
                html=html,
                created_at=datetime(2026, 11, 27, 12),
            )
        )
        other.commit()


def test_a_draft_never_collides_with_a_concurrent_save(app: Flask, browser: Browser) -> None:
    """Another save takes the next number while ours is in flight: ours goes after it."""
    url = browser.start()
    browser.post(f"{url}/document", {"html": "<p>Pierwsza</p>", "base_version": "0"})
    with app.app_context():
        conversation = _conversation(url)
        assert conversation.document.current.number == 1  # loaded into this session
        _save_behind_our_back(conversation.document.id, 2, "<p>Z innej karty</p>")
        version = documents.add_version(conversation, "<p>Od asystenta</p>", VersionAuthor.MODEL)
        assert version.number == 3
    assert [v.html for v in _versions(app)] == [
        "<p>Pierwsza</p>",
        "<p>Z innej karty</p>",
        "<p>Od asystenta</p>",
    ]


def test_a_lost_race_on_an_edit_is_stale_not_a_crash(app: Flask, browser: Browser) -> None:
    url = browser.start()
    with app.app_context():
        conversation = _conversation(url)
        documents.add_version(conversation, "<p>Pierwsza</p>", VersionAuthor.PERSON)
        assert conversation.document.current.number == 1
        _save_behind_our_back(conversation.document.id, 2, "<p>Druga</p>")
        with pytest.raises(documents.StaleVersionError):
            documents.save_edit(conversation, "<p>Moja</p>", 1)
    assert [v.html for v in _versions(app)] == ["<p>Pierwsza</p>", "<p>Druga</p>"]


def test_a_draft_sets_the_topic_of_a_free_text_case(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Dostałam pismo z sądu")
    browser.draft(url)
    page = text_of(browser.get(url))
    # The card opens on the recognised situation; the rest of the topic is one tap away.
    assert "Co mówią przepisy: Nakaz zapłaty w postępowaniu upominawczym" in page
    assert "Inne sytuacje (4)" in page


def test_oversized_model_output_is_dropped_field_by_field(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Sprawa", topic="nakaz-zaplaty")
    fake_ollama.push_reply(SITUATION)
    fake_ollama.push_reply(_fields(uzasadnienie="a\n" * 5000, powod="x" * 5000))
    response = browser.draft(url)
    assert response.status_code == 302
    [version] = _versions(app)
    assert "uzasadnienie" not in version.fields and "powod" not in version.fields
    assert "[powód]" in version.html


def test_a_field_edit_that_loses_a_race_is_stale(app: Flask, browser: Browser) -> None:
    """The person's form never lands on top of a save made meanwhile: it is refused."""
    from app.legal.documents import document_type
    from app.services.dates import today_in_poland

    url = browser.start()
    document = document_type("dostep-do-danych")
    with app.app_context():
        conversation = _conversation(url)
        values = {key: SAMPLE_FIELDS[key] for key in ("imie_nazwisko", "adres", "miejscowosc")}
        values["administrator"] = "Sklep sp. z o.o."
        documents.save_fields(
            conversation, document, values, VersionAuthor.TEMPLATE, today_in_poland()
        )
        _save_behind_our_back(conversation.document.id, 2, "<p>Z innej karty</p>")
        with pytest.raises(documents.StaleVersionError):
            documents.save_fields(
                conversation,
                document,
                {**values, "administrator": "Inny sp. z o.o."},
                VersionAuthor.PERSON,
                today_in_poland(),
                base_number=1,
            )
    assert [v.number for v in _versions(app)] == [1, 2]


def test_a_redraft_corrects_the_model_but_keeps_the_person(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Nakaz zapłaty", topic="nakaz-zaplaty")
    fake_ollama.push_reply(SITUATION)
    fake_ollama.push_reply(_fields(data_doreczenia="2026-11-03", powod="Zły Powód"))
    browser.draft(url)
    # The person corrects the plaintiff and leaves the date open...
    fields = {**SAMPLE_FIELDS, "data_doreczenia": "", "powod": "Dobry Powód", "blanks_ok": "1"}
    saved = browser.post(f"{url}/document/fields", {**fields, "base_version": "1"})
    assert saved.status_code == 302
    # ...then drafts again (the situation is known: no classification this time).
    requests = len(fake_ollama.chat_requests)
    fake_ollama.push_reply(_fields(data_doreczenia="2026-11-05", powod="Zły Powód"))
    browser.draft(url)
    assert len(fake_ollama.chat_requests) == requests + 1
    versions = _versions(app)
    assert [v.author for v in versions] == [
        VersionAuthor.MODEL,
        VersionAuthor.PERSON,
        VersionAuthor.MODEL,
    ]
    # The person's typed value wins over the model's; the model fills what was left open.
    assert versions[-1].fields["powod"] == "Dobry Powód"
    assert versions[-1].fields["data_doreczenia"] == "2026-11-05"


def test_a_situation_chosen_meanwhile_is_never_overwritten(app: Flask, browser: Browser) -> None:
    from app.services import conversations

    url = browser.start()
    with app.app_context():
        conversation = _conversation(url)
        assert conversations.claim_situation(conversation, "sprzeciw-nakaz") == "sprzeciw-nakaz"
        # Another request (the person's choice) changed it; the model's claim does not win.
        with db.engine.connect() as other:
            other.execute(
                db.text("UPDATE conversations SET situation = 'zarzuty-nakaz' WHERE id = :i"),
                {"i": conversation.id},
            )
            other.commit()
        assert conversations.claim_situation(conversation, "sprzeciw-epu") == "zarzuty-nakaz"
        assert (
            conversations.claim_situation(conversation, "sad-okregowy", replacing="zarzuty-nakaz")
            == "sad-okregowy"
        )


def test_the_document_can_be_changed(app: Flask, browser: Browser) -> None:
    url = browser.start()
    response = browser.post(f"{url}/situation", {"situation": "sprzeciw-nakaz"})
    assert response.headers["Location"].endswith("#dane")
    page = text_of(browser.get(url))
    assert "Wybrano: Sprzeciw od nakazu zapłaty" in page
    fields = {**SAMPLE_FIELDS, "base_version": "0"}
    browser.post(f"{url}/document/fields", fields)
    page = text_of(browser.get(url))
    assert "To nie to pismo? Zmień rodzaj pisma" in page
    browser.post(f"{url}/situation", {"situation": "zarzuty-nakaz"})
    page = text_of(browser.get(url))
    # The form of the new document opens, pre-filled from what the case already has.
    assert "Dane do pisma: Zarzuty od nakazu zapłaty" in page
    assert '<details id="dane" class="fields" open>' in page
    assert 'value="I Nc 123/26"' in page


def test_hostile_structured_output_loses_only_its_bad_values(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Nakaz zapłaty", topic="nakaz-zaplaty")
    fake_ollama.push_reply(SITUATION)
    hostile = {
        **SAMPLE_FIELDS,
        "imie_nazwisko": "<img src=x onerror=alert(1)>",
        "sad": "Sąd Rejonowy <script>alert(1)</script>",
        "sygnatura": {"$gt": ""},
        "kwota": "1e999",
        "data_doreczenia": "2099-01-01",
        "powod_adres": None,
        "uzasadnienie": "Tekst \u202eodwrócony {{ 7*7 }} {% raw %}",
        "podstawa": "art. 999 k.p.c.",
        "__proto__": "x",
    }
    fake_ollama.push_reply(json.dumps(hostile, ensure_ascii=False))
    browser.draft(url)
    [version] = _versions(app)
    stored = version.fields
    # Invalid values are dropped (and asked for), valid ones kept, unknown keys ignored.
    for key in ("imie_nazwisko", "sygnatura", "kwota", "data_doreczenia", "powod_adres"):
        assert key not in stored, key
    assert "podstawa" not in stored and "__proto__" not in stored
    assert stored["sad"] == "Sąd Rejonowy <script>alert(1)</script>"
    assert stored["uzasadnienie"] == "Tekst odwrócony {{ 7*7 }} {% raw %}"
    assert "<script>" not in version.html and "&lt;script&gt;" in version.html
    assert "49" not in version.html and "\u202e" not in version.html
    assert "art. 999" not in version.html
    page = text_of(browser.get(url))
    assert '<mark class="blank">[sygnatura akt]</mark>' in page
