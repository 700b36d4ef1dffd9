"""The letter: drafted by the model as structured output, edited by the person, versioned."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask

from app.extensions import db
from app.models import Conversation, DocumentVersion, VersionAuthor
from app.services import documents
from tests.fake_ollama import FakeOllama
from tests.helpers import SAMPLE_LETTER, Browser, text_of

LETTER = {
    **SAMPLE_LETTER,
    "paragraphs": [*SAMPLE_LETTER["paragraphs"], "<script>alert(1)</script>"],
}


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
    fake_ollama.push_reply(json.dumps(LETTER, ensure_ascii=False))
    response = browser.draft(url)
    assert response.status_code == 302
    request = fake_ollama.chat_requests[-1]
    assert request["format"]["properties"]["situation"]["enum"][0] == "sprzeciw-nakaz"
    assert request["stream"] is True
    page = text_of(browser.get(url))
    assert "Sprzeciw od nakazu zapłaty</h1>" in page
    assert "art. 505 k.p.c." in page
    assert 'id="unlisted-law"' not in page  # the catalogue's own basis is not flagged
    assert "<script>alert(1)" not in page
    [version] = _versions(app)
    assert version.author == VersionAuthor.MODEL and version.number == 1
    assert "Anna Nowak" in version.html and "&lt;script&gt;" in version.html
    assert "Wersje pisma (1)" in page


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
    letter = {**LETTER, "paragraphs": ["Na podstawie art. 999 k.p.c. wnoszę o oddalenie."]}
    fake_ollama.push_reply(json.dumps(letter, ensure_ascii=False))
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
        other.execute(
            db.text(
                "INSERT INTO document_versions (document_id, number, author, html, created_at)"
                " VALUES (:d, :n, 'person', :h, '2026-11-27 12:00:00')"
            ),
            {"d": document_id, "n": number, "h": html},
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
    fake_ollama.push_reply(json.dumps(LETTER, ensure_ascii=False))
    browser.draft(url)
    page = text_of(browser.get(url))
    assert "Co mówią przepisy: Nakaz zapłaty lub pozew z sądu" in page


def test_oversized_model_output_is_bad_output_not_a_crash(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Sprawa", topic="nakaz-zaplaty")
    flood = {**LETTER, "paragraphs": ["a\n" * 1500] * 12}
    fake_ollama.push_reply(json.dumps(flood))
    response = browser.draft(url)
    assert response.status_code == 302
    assert "Model nie przygotował poprawnego pisma" in text_of(browser.get(url))
    assert _versions(app) == []
