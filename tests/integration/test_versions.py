"""Versions of the letter: the list, one version's page, restoring it, comparing two."""

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
KEYS = (
    "imie_nazwisko", "adres", "miejscowosc", "sad", "sad_adres", "sygnatura", "powod",
    "powod_adres", "data_nakazu", "data_doreczenia", "kwota", "uzasadnienie", "dowody",
)  # fmt: skip


def _form(**changes: str) -> dict[str, str]:
    """The sprzeciw's form with the sample values, some changed."""
    return {**{key: SAMPLE_FIELDS[key] for key in KEYS}, **changes}


def _versions(app: Flask) -> list[DocumentVersion]:
    with app.app_context():
        return list(db.session.scalars(db.select(DocumentVersion).order_by(DocumentVersion.id)))


def _case(browser: Browser) -> str:
    """A guided case: version 1 from the template, 2 by fields, 3 by whole text."""
    response = browser.post("/pisma/pismo/sprzeciw-nakaz", _form())
    assert response.status_code == 302, text_of(response)[:2000]
    url = response.headers["Location"].split("#", 1)[0]
    changed = _form(powod="Inny Wierzyciel S.A.", base_version="1")
    assert browser.post(f"{url}/document/fields", changed).status_code == 302
    text = "<h1>Sprzeciw</h1><p>Zażółć gęślą jaźń &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert browser.post(f"{url}/document", {"html": text, "base_version": "2"}).status_code == 302
    return url


def _restore(browser: Browser, url: str, number: int, base: int | str):  # type: ignore[no-untyped-def]
    return browser.post(f"{url}/document/versions/{number}/restore", {"base_version": str(base)})


def test_the_list_marks_the_current_version_and_links_every_one(browser: Browser) -> None:
    url = _case(browser)
    page = text_of(browser.get(url))
    versions = page[page.index('<details class="versions">') :]
    versions = versions[: versions.index("</details>")]
    assert versions.count("(aktualna)") == 1
    assert re.search(r"Wersja 3</a> <strong>\(aktualna\)</strong>", versions)
    for number in (1, 2, 3):
        assert f'href="{url}/document/versions/{number}"' in versions
    assert f'href="{url}/document/compare"' in versions


def test_a_version_page_is_read_only_with_restore_and_compare(browser: Browser) -> None:
    url = _case(browser)
    old = text_of(browser.get(f"{url}/document/versions/1"))
    assert "wersja 1" in old and "Aktualna wersja to 3." in old
    assert 'id="case-deadline"' in old  # the case's deadline, as on every screen of the case
    assert f'action="{url}/document/versions/1/restore"' in old
    assert "Przywróć tę wersję" in old and 'name="base_version" value="3"' in old
    assert 'name="csrf_token"' in old
    assert f'action="{url}/document/compare"' in old and 'name="a" value="1"' in old
    assert re.search(r'<option value="3" selected>Wersja 3 \(aktualna\)', old)
    assert "<textarea" not in old  # read-only
    current = text_of(browser.get(f"{url}/document/versions/3"))
    assert "To jest aktualna wersja pisma." in current
    assert "Przywróć tę wersję" not in current
    assert re.search(r'<option value="2" selected>Wersja 2', current)


def test_restore_makes_a_new_version_of_the_old_letter(app: Flask, browser: Browser) -> None:
    url = _case(browser)
    before = _versions(app)
    response = _restore(browser, url, 1, 3)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#pismo")
    page = text_of(browser.get(url))
    assert "Przywrócono wersję 1 — jest teraz aktualna jako wersja 4." in page
    after = _versions(app)
    # Nothing overwritten or deleted: the three versions are as they were, plus a new one.
    assert [(v.number, v.html, v.fields) for v in after[:3]] == [
        (v.number, v.html, v.fields) for v in before
    ]
    restored = after[3]
    assert restored.number == 4 and restored.author == VersionAuthor.PERSON
    assert restored.html == before[0].html
    assert restored.fields == before[0].fields and restored.doc_type == "sprzeciw-nakaz"
    # The form follows the restored letter's fields again.
    assert 'value="Windykacja Szybka sp. z o.o."' in page
    assert "Wersje pisma (4)" in page


def test_a_whole_text_version_is_restored_without_fields(app: Flask, browser: Browser) -> None:
    url = _case(browser)
    _restore(browser, url, 1, 3)
    assert _restore(browser, url, 3, 4).status_code == 302
    restored = _versions(app)[-1]
    assert restored.number == 5 and restored.html == _versions(app)[2].html
    assert restored.fields == {} and restored.doc_type == "sprzeciw-nakaz"


def test_a_stale_restore_is_refused_and_loses_nothing(app: Flask, browser: Browser) -> None:
    url = _case(browser)
    before = [(v.number, v.html) for v in _versions(app)]
    # The page was opened when version 2 was the newest; version 3 was saved meanwhile.
    response = _restore(browser, url, 1, 2)
    assert response.status_code == 422
    page = text_of(response)
    assert "niczego nie przywróciliśmy" in page and 'id="restore-error"' in page
    # The form now offers the restore on top of what is really current.
    assert 'name="base_version" value="3"' in page
    for bad in ("abc", ""):
        assert _restore(browser, url, 1, bad).status_code == 422
    assert [(v.number, v.html) for v in _versions(app)] == before


def test_a_restore_that_loses_a_race_is_stale(app: Flask, browser: Browser) -> None:
    url = _case(browser)
    public_id = url.rsplit("/", 1)[1]
    with app.app_context():
        query = db.select(Conversation).where(Conversation.public_id == public_id)
        conversation = db.session.scalars(query).one()
        first = conversation.document.versions[0]
        with db.engine.connect() as other:  # another request saves version 4 meanwhile
            other.execute(  # through the table's types: the HTML is stored encrypted
                DocumentVersion.__table__.insert().values(
                    document_id=conversation.document.id,
                    number=4,
                    author="person",
                    html="<p>Z innej karty</p>",
                    created_at=datetime(2026, 11, 27, 12),
                )
            )
            other.commit()
        with pytest.raises(documents.StaleVersionError):
            documents.restore_version(conversation, first, 3)
    assert [v.number for v in _versions(app)] == [1, 2, 3, 4]
    assert _versions(app)[-1].html == "<p>Z innej karty</p>"


def test_restoring_the_current_letter_changes_nothing(app: Flask, browser: Browser) -> None:
    url = _case(browser)
    response = _restore(browser, url, 3, 3)
    assert response.status_code == 302
    assert "nic się nie zmieniło" in text_of(browser.get(url))
    assert len(_versions(app)) == 3
    # Nor does restoring an older version whose letter the current one already is.
    _restore(browser, url, 1, 3)
    _restore(browser, url, 1, 4)
    assert "To już jest treść aktualnej wersji pisma" in text_of(browser.get(url))
    assert len(_versions(app)) == 4


def test_the_comparison_marks_insertions_and_deletions(browser: Browser) -> None:
    url = _case(browser)
    page = text_of(browser.get(f"{url}/document/compare?a=2&b=3"))
    assert "zmiany od wersji 2 do 3" in page
    assert 'id="case-deadline"' in page
    assert "<ins>" in page and "<del>" in page
    assert "<ins>Zażółć gęślą jaźń &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in page
    assert "<script>alert" not in page
    assert re.search(r"\d+ sł[oó]w\w* dodan\w*, \d+ usunięt\w*", page)
    assert f'href="{url}/document/versions/2"' in page
    # The order of a and b does not matter: the older version comes first.
    assert "zmiany od wersji 2 do 3" in text_of(browser.get(f"{url}/document/compare?a=3&b=2"))
    # A missing side is the current version.
    assert "zmiany od wersji 1 do 3" in text_of(browser.get(f"{url}/document/compare?a=1"))


def test_an_edit_of_one_word_is_one_word(browser: Browser) -> None:
    url = _case(browser)
    edited = "<h1>Sprzeciw</h1><p>Zażółć gęśla jaźń &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    browser.post(f"{url}/document", {"html": edited, "base_version": "3"})
    page = text_of(browser.get(f"{url}/document/compare"))
    assert "zmiany od wersji 3 do 4" in page
    assert "<del>gęślą</del> <ins>gęśla</ins>" in page
    assert "1 słowo dodane, 1 usunięte" in page


def test_the_default_compares_the_model_draft_with_the_person_edit(
    browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Dostałam nakaz zapłaty", topic="nakaz-zaplaty")
    assert browser.get(f"{url}/document/compare").status_code == 404  # no letter yet
    fake_ollama.push_reply(SITUATION)
    fake_ollama.push_reply(json.dumps(_form(powod="Zły Powód"), ensure_ascii=False))
    browser.draft(url)
    single = text_of(browser.get(f"{url}/document/compare"))
    assert "tylko jedną wersję" in single
    browser.post(f"{url}/document/fields", _form(powod="Dobry Powód", base_version="1"))
    text = "<p>Moje własne pismo.</p>"
    browser.post(f"{url}/document", {"html": text, "base_version": "2"})
    page = text_of(browser.get(f"{url}/document/compare"))
    # Draft 1 (the model's) against edit 3 (the person's latest), not 2 against 3.
    assert "zmiany od wersji 1 do 3" in page
    assert "— asystent," in page and "<ins>Moje własne pismo.</ins>" in page


def test_without_a_model_draft_the_default_is_previous_against_current(browser: Browser) -> None:
    url = _case(browser)
    assert "zmiany od wersji 2 do 3" in text_of(browser.get(f"{url}/document/compare"))


def test_the_same_version_twice_says_so(browser: Browser) -> None:
    url = _case(browser)
    page = text_of(browser.get(f"{url}/document/compare?a=2&b=2"))
    assert "to ta sama wersja" in page
    assert "<ins>" not in page and "<del>" not in page


def test_another_browser_gets_404(browser: Browser, other_browser: Browser, app: Flask) -> None:
    url = _case(browser)
    other_browser.start()  # a session with a case of its own
    for path in (
        f"{url}/document/versions/1",
        f"{url}/document/compare",
        f"{url}/document/compare?a=1&b=2",
    ):
        assert other_browser.get(path).status_code == 404, path
    assert _restore(other_browser, url, 1, 3).status_code == 404
    assert len(_versions(app)) == 3


@pytest.mark.parametrize(
    "path",
    [
        "/document/versions/0",
        "/document/versions/99",
        "/document/versions/-1",
        "/document/versions/abc",
        "/document/compare?a=abc&b=1",
        "/document/compare?a=1&b=99",
        "/document/compare?a=0",
        "/document/compare?a=-2&b=1",
        "/document/compare?b=1.5",
        "/document/compare?a=" + "9" * 5000,
    ],
)
def test_bad_numbers_are_404(browser: Browser, path: str) -> None:
    url = _case(browser)
    assert browser.get(url + path).status_code == 404


def test_restoring_a_missing_version_is_404(app: Flask, browser: Browser) -> None:
    url = _case(browser)
    for number in ("0", "99", "abc", "-1"):
        response = browser.post(f"{url}/document/versions/{number}/restore", {"base_version": "3"})
        assert response.status_code == 404, number
    assert len(_versions(app)) == 3
