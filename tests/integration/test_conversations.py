"""The chat over plain form posts: PRG, safe replies, and every way the model can fail."""

from __future__ import annotations

import re

from flask import Flask

from app.extensions import db
from app.models import Conversation, Message, MessageStatus, Role
from tests.fake_ollama import FakeOllama
from tests.helpers import Browser, embedded_only, text_of


def _messages(app: Flask) -> list[Message]:
    with app.app_context():
        return list(db.session.scalars(db.select(Message).order_by(Message.id)))


def test_landing_page_in_polish(browser: Browser) -> None:
    page = text_of(browser.get("/"))
    assert "Opisz swoją sprawę" in page
    # The five topics lead to the guided path, plus "Żadne z powyższych".
    assert page.count('class="topic"') == 6
    assert 'href="/pisma/mandat"' in page and "Żadne z powyższych" in page
    assert "nie trafia do zewnętrznych usług" in page


def test_first_message_gets_an_answer(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start("Dostałem mandat, który uważam za niesłuszny.", topic="mandat")
    page = text_of(browser.get(url))
    assert "Dostałem mandat, który uważam za niesłuszny." in page
    assert "<strong>Masz 7 dni</strong>" in page
    # The catalogue card shows verified law for the topic.
    assert "wniosek o uchylenie prawomocnego mandatu karnego" in page
    stored = _messages(app)
    assert [m.role for m in stored] == [Role.USER, Role.ASSISTANT]
    assert stored[1].status == MessageStatus.COMPLETE
    assert stored[1].completion_tokens and stored[1].model == "qwen2.5:3b"
    system = fake_ollama.chat_requests[-1]["messages"][0]
    assert system["role"] == "system" and "art. 101 § 1 k.p.w." in system["content"]


def test_send_is_post_redirect_get(app: Flask, browser: Browser, fake_ollama: FakeOllama) -> None:
    url = browser.start()
    fake_ollama.push_reply("Odpowiedź **druga**.")
    response = browser.send(url, "Pytanie drugie")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(url + "#m")
    page = text_of(browser.get(url))
    assert "Pytanie drugie" in page and "Odpowiedź <strong>druga</strong>." in page
    history = fake_ollama.chat_requests[-1]["messages"]
    assert history[-1] == {"role": "user", "content": "Pytanie drugie"}


def test_model_output_is_rendered_safely(browser: Browser, fake_ollama: FakeOllama) -> None:
    url = browser.start()
    fake_ollama.push_reply("<script>alert(1)</script> [x](javascript:alert(2)) ![i](http://e/i)")
    browser.send(url, "Hej")
    page = text_of(browser.get(url))
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert "<img" not in page and "http://e/i" not in page


def test_empty_and_too_long_messages(app: Flask, browser: Browser) -> None:
    url = browser.start()
    empty = browser.post(f"{url}/messages", {"message": "   "})
    assert empty.status_code == 422
    assert "Napisz, w czym możemy pomóc." in text_of(empty)
    long_text = "ą" * 4001
    too_long = browser.post(f"{url}/messages", {"message": long_text})
    assert too_long.status_code == 422
    page = text_of(too_long)
    assert "za długa" in page
    assert long_text in page  # the text is kept in the form, not lost
    assert _messages(app) == []


def test_model_down_keeps_the_message_and_retry_works(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    url = browser.start()
    fake_ollama.push_error(500, "llama runner process has terminated")
    browser.send(url, "Mój nakaz zapłaty")
    page = text_of(browser.get(url))
    assert "Twoja wiadomość jest zapisana" in page
    assert "Mój nakaz zapłaty" in page
    assert "Spróbuj ponownie" in page
    # One error is said once: the failed bubble explains, the retry form only offers the button.
    assert page.count("Twoja wiadomość jest zapisana") == 1
    assert "czeka na odpowiedź" not in page
    stored = _messages(app)
    assert [(m.role, m.status) for m in stored] == [
        (Role.USER, MessageStatus.COMPLETE),
        (Role.ASSISTANT, MessageStatus.ERROR),
    ]
    response = browser.post(f"{url}/retry")
    assert response.status_code == 302
    page = browser.wait_idle(url)
    assert "<strong>Masz 7 dni</strong>" in page
    assert 'id="retry"' not in page
    # The failed attempt is not sent back to the model as history.
    roles = [m["role"] for m in fake_ollama.chat_requests[-1]["messages"]]
    assert roles == ["system", "user"]


@embedded_only
def test_unreachable_ollama(app: Flask, browser: Browser) -> None:
    app.config["OLLAMA_HOST"] = "http://127.0.0.1:9"
    url = browser.start("Pomocy")
    page = text_of(browser.get(url))
    assert "Model językowy nie odpowiada" in page
    assert "Pomocy" in page


def test_missing_model(app: Flask, browser: Browser, fake_ollama: FakeOllama) -> None:
    fake_ollama.models.clear()
    url = browser.start("Pomocy")
    assert "brakuje modelu" in text_of(browser.get(url))


@embedded_only
def test_slow_model(app: Flask, browser: Browser, fake_ollama: FakeOllama) -> None:
    app.config["OLLAMA_TIMEOUT"] = 0.3
    fake_ollama.push_reply("za późno", delay=2.0)
    url = browser.start("Pomocy")
    page = text_of(browser.get(url))
    assert "odpowiada zbyt wolno" in page


def test_cut_short_reply_is_marked_partial(
    app: Flask, browser: Browser, fake_ollama: FakeOllama
) -> None:
    fake_ollama.push_reply("Początek odpowiedzi", done_reason="length")
    url = browser.start("Pomocy")
    assert "Odpowiedź została ucięta" in text_of(browser.get(url))
    assert _messages(app)[-1].status == MessageStatus.PARTIAL


def test_retry_with_nothing_to_answer(browser: Browser) -> None:
    url = browser.start("Pomocy")
    browser.post(f"{url}/retry")
    assert "Nie ma wiadomości" in text_of(browser.get(url))


def test_unknown_topic_is_ignored(browser: Browser) -> None:
    url = browser.start("x", topic="<script>")
    assert re.search(r"<h1[^>]*>x</h1>", text_of(browser.get(url)))


def test_too_long_first_message_keeps_the_text(app: Flask, browser: Browser) -> None:
    text = "ż" * 4001
    response = browser.post("/conversations", {"message": text, "topic": ""})
    assert response.status_code == 422
    assert text in text_of(response) and "za długa" in text_of(response)


def test_line_breaks_count_once(app: Flask, browser: Browser) -> None:
    url = browser.start()
    text = "a\r\n" * 1999 + "b"  # 3,999 characters as the browser counts them
    assert browser.send(url, text).status_code == 302
    assert _messages(app)[0].content == "a\n" * 1999 + "b"


def test_choosing_a_topic_shows_the_catalogue(browser: Browser) -> None:
    url = browser.start("Ktoś napisał o mnie kłamstwa")
    page = text_of(browser.get(url))
    assert "Czego dotyczy sprawa?" in page and 'id="facts"' not in page
    browser.post(f"{url}/topic", {"topic": "znieslawienie"})
    page = text_of(browser.get(url))
    assert "Co mówią przepisy: Zniesławienie" in page
    assert "prywatny akt oskarżenia" in page
    assert "Czego dotyczy sprawa?" not in page
    browser.post(f"{url}/topic", {"topic": "nieznany"})
    assert "Wybierz jeden z tematów" in text_of(browser.get(url))


def test_empty_model_reply_offers_a_retry(browser: Browser, fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("  ")
    url = browser.start("Pomocy")
    page = text_of(browser.get(url))
    assert "Model językowy zwrócił błąd" in page and 'id="retry"' in page


def test_chosen_topic_card_opens(browser: Browser) -> None:
    url = browser.start("Ktoś napisał o mnie kłamstwa")
    response = browser.post(f"{url}/topic", {"topic": "znieslawienie"})
    target = response.headers["Location"]
    assert target.endswith("facts=open#facts")
    page = text_of(browser.get(target))
    assert '<details id="facts" class="facts" open>' in page
    assert '<details id="facts" class="facts">' in text_of(browser.get(url))
    # Items sourced in the revised catalogue are shown as fact...
    assert "wezwanie do usunięcia wpisu" in page
    assert "Do sprawdzenia" not in page
    # ...and what still waits for a second source is marked, never stated as settled.
    browser.post(f"{url}/topic", {"topic": "rodo"})
    rodo = text_of(browser.get(url))
    assert 'wykładnia EROD. <span class="to-check">Do sprawdzenia.</span>' in rodo


def test_an_empty_start_starts_nothing(app: Flask, browser: Browser) -> None:
    response = browser.post("/conversations", {"message": "  ", "topic": ""})
    assert response.status_code == 422
    assert "Opisz swoją sprawę w kilku słowach" in text_of(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Conversation)) == 0
