"""Moving a case to another device with a one-time code (and its QR code)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from app.extensions import db
from app.models import Conversation, ConversationOwner, TransferCode
from app.models.base import utcnow
from app.services import transfer
from tests.helpers import Browser, text_of

CODE = re.compile(r'<p class="transfer-code"[^>]*><strong[^>]*>([A-Z0-9]{5}-[A-Z0-9]{5})</strong>')


def _issue(browser: Browser, url: str) -> str:
    made = browser.post(f"{url}/przenies")
    assert made.status_code == 303 and made.headers["Location"].endswith(f"{url}/przenies")
    response = browser.get(made.headers["Location"])
    assert response.status_code == 200
    page = text_of(response)
    found = CODE.search(page)
    assert found, page[:3000]
    assert "<svg" in page and "Kod QR" in page
    assert "no-store" in response.headers["Cache-Control"]
    return found.group(1)


def test_a_code_adds_the_other_browser_once(
    app: Flask, browser: Browser, other_browser: Browser
) -> None:
    url = browser.start("Dostałem mandat")
    code = _issue(browser, url)
    assert other_browser.get(url).status_code == 404
    # Opening the link (or a chat app's preview of it) only asks; it uses nothing.
    for _ in range(2):
        page = text_of(other_browser.get(f"/przenies/{code.replace('-', '')}"))
        assert f'value="{code.replace("-", "")}"' in page
    response = other_browser.post("/przenies", {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = text_of(other_browser.get(url))
    assert "Dostałem mandat" in page and "Sprawa jest teraz dostępna także" in page
    # The first browser keeps the case.
    assert browser.get(url).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ConversationOwner)) == 2


def test_a_used_code_fails_for_a_third_browser(
    app: Flask, browser: Browser, other_browser: Browser
) -> None:
    url = browser.start()
    code = _issue(browser, url)
    assert other_browser.post("/przenies", {"code": code}).status_code == 302
    third = Browser(app.test_client())
    response = third.post("/przenies", {"code": code})
    assert response.status_code == 422
    assert "Ten kod nie działa" in text_of(response)
    assert third.get(url).status_code == 404


def test_wrong_and_expired_codes_fail(app: Flask, browser: Browser, other_browser: Browser) -> None:
    url = browser.start()
    code = _issue(browser, url)
    for typed in ("", "ABC", "ZZZZZ-ZZZZZ", "<script>", code + "X", "x" * 5000):
        response = other_browser.post("/przenies", {"code": typed})
        assert response.status_code == 422, typed
        assert "Ten kod nie działa" in text_of(response)
    with app.app_context():
        db.session.execute(
            db.update(TransferCode).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert other_browser.post("/przenies", {"code": code}).status_code == 422
    assert other_browser.get(url).status_code == 404


def test_only_an_owner_can_make_a_code(browser: Browser, other_browser: Browser) -> None:
    url = browser.start()
    other_browser.get("/")
    assert other_browser.post(f"{url}/przenies").status_code == 404


def test_codes_are_stored_hashed_and_used_once(app: Flask, browser: Browser) -> None:
    url = browser.start()
    code = _issue(browser, url).replace("-", "")
    with app.app_context():
        [row] = db.session.scalars(db.select(TransferCode))
        assert code not in row.code_hash and len(row.code_hash) == 64
        assert row.expires_at - row.created_at == transfer.LIFETIME
        conversation = transfer.redeem(code, "a" * 64)
        assert conversation.public_id == url.rsplit("/", 1)[1]
        try:
            transfer.redeem(code, "b" * 64)
        except transfer.TransferError as exc:
            assert exc.code == "transfer_invalid"
        else:
            raise AssertionError("a code worked twice")


def test_the_owner_redeeming_their_own_code_is_harmless(browser: Browser) -> None:
    url = browser.start()
    code = _issue(browser, url)
    response = browser.post("/przenies", {"code": code})
    assert response.status_code == 302
    assert browser.get(url).status_code == 200


def test_issued_codes_are_distinct_and_unambiguous(app: Flask, browser: Browser) -> None:
    url = browser.start()
    public_id = url.rsplit("/", 1)[1]
    with app.app_context():
        conversation = db.session.scalar(
            db.select(Conversation).where(Conversation.public_id == public_id)
        )
        codes = {transfer.issue(conversation).code for _ in range(50)}
    assert len(codes) == 50
    assert all(len(code) == transfer.CODE_LENGTH for code in codes)
    assert set("".join(codes)) <= set(transfer.ALPHABET)
    assert not set("01ILO") & set(transfer.ALPHABET)
    assert transfer.normalise(" abcde-fghjk ") == "ABCDEFGHJK"
    assert transfer.normalise("abc") == ""


def test_the_code_page_can_be_reloaded_until_it_expires(app: Flask, browser: Browser) -> None:
    url = browser.start()
    code = _issue(browser, url)
    assert code in text_of(browser.get(f"{url}/przenies"))
    with browser.client.session_transaction() as session:
        session["transfer"]["expires"] = (utcnow() - timedelta(seconds=1)).isoformat()
    page = text_of(browser.get(f"{url}/przenies"))
    assert code not in page and "Kod wygasł albo jeszcze go nie ma" in page
