"""The live chat in a real Chromium with JavaScript on: replies stream over the page's socket.

The page keeps working as plain forms; these tests check what JavaScript adds on top: a send
over the socket (no form post, no reload), tokens appearing as the model writes them, a reload
in the middle of a reply, stopping a reply, and the plain post when the socket is down. Every
test also watches the browser for CSP violations, console errors and requests to other hosts.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    WebSocketRoute,
    expect,
)

from tests.e2e.conftest import ContextFactory
from tests.fake_ollama import FakeOllama

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

QUESTION = "Dostałem mandat za parkowanie. Czy mogę się odwołać?"
# 66 chunks of 5 characters: markdown (bold) split across chunks, Polish letters, and
# markers at both ends to count how often the text is on the page.
REPLY = (
    "POCZĄTEK-ODPOWIEDZI. Tak, możesz. **Masz 7 dni** od doręczenia, żeby odmówić przyjęcia "
    "mandatu albo złożyć wniosek o jego uchylenie. Zażółć gęślą jaźń: zbierz dowody zapłaty "
    "za postój (bilet z parkomatu, potwierdzenie z aplikacji) i napisz krótkie pismo do sądu "
    "rejonowego. Podaj datę, miejsce i numer mandatu. KONIEC-ODPOWIEDZI."
)
REPLY_SHOWN = REPLY.replace("**", "")
CHUNK = 5
# A reply long and slow enough (358 chunks, about 7 s) to be stopped in the middle.
LONG_REPLY = " ".join(f"Zdanie numer {n} długiej odpowiedzi." for n in range(1, 41))
NEXT_REPLY = "Druga odpowiedź: sprawdź termin w kalendarzu."
LIVE_CLASS = re.compile(r"\blive\b")


@dataclass
class Watch:
    """What the browser reported while a test ran: it must all be empty at the end."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def on_request(self, request: Request) -> None:
        if request.method == "POST":
            self.posts.append(urlsplit(request.url).path)
        self._check_host(request.url)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} @ {message.location}")

    def on_socket(self, url: str) -> None:
        self.sockets.append(url)
        self._check_host(url)

    def _check_host(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != urlsplit(self.origin).netloc:
            self.foreign.append(url)

    def posted_messages(self) -> list[str]:
        return [path for path in self.posts if path.endswith("/messages")]

    def on_violation(self, violation: str) -> None:
        self.csp_violations.append(violation)

    def assert_clean(self) -> None:
        problems = {
            "CSP violations": self.csp_violations,
            "page errors": self.page_errors,
            "console errors": self.console_errors,
            "requests to other hosts": self.foreign,
        }
        found = {name: items for name, items in problems.items() if items}
        assert not found, "\n".join(f"{name}: {items}" for name, items in found.items())


# In every document of the context: report CSP violations to the test (Chromium also logs
# them as console errors), and follow the socket through the ws extension's own events.
PAGE_HOOKS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
window.testSocketOpen = false;
document.addEventListener("htmx:wsOpen", () => { window.testSocketOpen = true; });
document.addEventListener("htmx:wsClose", () => { window.testSocketOpen = false; });
"""


def _watched_page(context: BrowserContext, origin: str) -> tuple[Page, Watch]:
    watch = Watch(origin=origin)
    context.expose_function("reportCspViolation", watch.on_violation)
    context.add_init_script(PAGE_HOOKS)
    context.on("request", watch.on_request)
    page = context.new_page()
    page.on("console", watch.on_console)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    page.on("websocket", lambda socket: watch.on_socket(socket.url))
    return page, watch


def _open_conversation(page: Page) -> str:
    """Start a conversation (no first message); return its URL."""
    # An empty "Zacznij" starts nothing; a guided letter with blanks is a case without chat.
    page.goto("/pisma/pismo/dostep-do-danych")
    page.get_by_label("Nie znam jeszcze wszystkich danych", exact=False).check()
    page.get_by_role("button", name="Przygotuj pismo").click()
    expect(page).to_have_url(re.compile(r"/conversations/[A-Za-z0-9_-]+$"))
    return page.url


def _wait_socket_open(page: Page) -> None:
    page.wait_for_function("() => window.testSocketOpen === true")


def _send(page: Page, text: str) -> None:
    page.get_by_label("Twoja wiadomość").fill(text)
    page.get_by_role("button", name="Wyślij").click()


def _live_reply_id(page: Page) -> str:
    live = page.locator("#messages li.message.from-assistant.live")
    expect(live).to_have_count(1)
    reply_id = live.get_attribute("id")
    assert reply_id and re.fullmatch(r"m\d+", reply_id), reply_id
    return reply_id


def _wait_grown_while_live(page: Page, reply_id: str, longer_than: int) -> int:
    """Wait until the streamed text is longer than ``longer_than`` while the reply is still
    live; return that length (read in the same check, so it is a mid-stream sample)."""
    handle = page.wait_for_function(
        """([id, length]) => {
            const reply = document.getElementById(id);
            const text = document.getElementById(id + "-text");
            if (!reply || !reply.classList.contains("live") || !text) return false;
            return text.textContent.length > length ? text.textContent.length : false;
        }""",
        arg=[reply_id, longer_than],
    )
    return int(handle.json_value())


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


@contextmanager
def _gate() -> Iterator[threading.Event]:
    """A gate for the fake's stream that is always opened in the end (no stream left hanging)."""
    gate = threading.Event()
    try:
        yield gate
    finally:
        gate.set()


def test_tokens_stream_live_over_the_socket(
    new_context: ContextFactory, fake_ollama: FakeOllama, live_server: str, tmp_path: Path
) -> None:
    """A sent message goes over the socket and the reply grows token by token on a phone."""
    context = new_context(**PHONE)
    page, watch = _watched_page(context, live_server)
    url = _open_conversation(page)
    _wait_socket_open(page)
    # The gate holds the stream after 50 of its 66 chunks (2.5 s in): the reply is certainly
    # still live when the second sample is taken.
    held_after = 50

    with _gate() as gate:
        fake_ollama.push_reply(
            REPLY, chunk_size=CHUNK, chunk_delay=0.05, gate=gate, gate_after=held_after
        )
        _send(page, QUESTION)

        user = page.locator("#messages li.from-user")
        expect(user).to_have_count(1)
        expect(user.locator(".body")).to_have_text(QUESTION)
        reply_id = _live_reply_id(page)
        reply = page.locator(f"#{reply_id}")
        expect(reply).to_have_attribute("aria-busy", "true")
        button = page.locator("#send-button")
        expect(button).to_be_disabled()
        expect(button).to_have_text("Asystent pisze…")
        expect(page.get_by_role("button", name="Zatrzymaj")).to_be_visible()

        held = REPLY[: held_after * CHUNK]
        first = _wait_grown_while_live(page, reply_id, 0)
        assert first < len(held), "the whole prefix came at once: no token was seen streaming"
        second = _wait_grown_while_live(page, reply_id, first)
        assert first < second <= len(held)
        # Held at the gate: exactly the first chunks, each once, still streaming.
        expect(page.locator(f"#{reply_id}-text")).to_have_text(held)
        expect(reply).to_have_class(LIVE_CLASS)
        expect(button).to_be_disabled()
        page.screenshot(path=tmp_path / "live-reply-phone.png")
        gate.set()

        # The final version replaces the live one: rendered markdown, the whole text once.
        expect(reply).not_to_have_class(LIVE_CLASS)
        expect(reply).not_to_have_attribute("aria-busy", "true")
        expect(reply.locator(".body strong")).to_have_text("Masz 7 dni")
        assert _squash(reply.locator(".body").text_content()) == _squash(REPLY_SHOWN)
        content = page.locator("#messages").text_content() or ""
        assert content.count("POCZĄTEK-ODPOWIEDZI") == 1
        assert content.count("KONIEC-ODPOWIEDZI") == 1
        assert "**" not in content

    expect(page.locator("#composer-message")).to_have_value("")
    expect(button).to_be_enabled()
    expect(button).to_have_text("Wyślij")
    expect(page.get_by_role("button", name="Zatrzymaj")).to_have_count(0)
    # The socket carried the message: no form post, no navigation.
    assert page.url == url
    assert watch.posted_messages() == []
    assert len(watch.sockets) == 1
    assert [m["content"] for m in fake_ollama.chat_requests[-1]["messages"]][-1] == QUESTION
    watch.assert_clean()


def test_reload_in_the_middle_of_a_reply(
    new_context: ContextFactory, fake_ollama: FakeOllama, live_server: str
) -> None:
    """A reload mid-stream shows what was written so far and then the rest, nothing twice."""
    context = new_context(**PHONE)
    page, watch = _watched_page(context, live_server)
    url = _open_conversation(page)
    _wait_socket_open(page)
    held_after = 10

    with _gate() as gate:
        fake_ollama.push_reply(
            REPLY, chunk_size=CHUNK, chunk_delay=0.02, gate=gate, gate_after=held_after
        )
        _send(page, QUESTION)
        reply_id = _live_reply_id(page)
        prefix = REPLY[: held_after * CHUNK]
        expect(page.locator(f"#{reply_id}-text")).to_have_text(prefix)

        page.reload()
        _wait_socket_open(page)
        reply = page.locator(f"#{reply_id}")
        expect(reply).to_have_class(LIVE_CLASS)
        # The new socket replays the reply from its start: the prefix exactly once.
        expect(page.locator(f"#{reply_id}-text")).to_have_text(prefix)
        gate.set()

        expect(reply).not_to_have_class(LIVE_CLASS)
        expect(reply.locator(".body strong")).to_have_text("Masz 7 dni")
        assert _squash(reply.locator(".body").text_content()) == _squash(REPLY_SHOWN)
        content = page.locator("#messages").text_content() or ""
        assert content.count("POCZĄTEK-ODPOWIEDZI") == 1
        assert content.count("KONIEC-ODPOWIEDZI") == 1

    expect(page.locator("#messages li.message")).to_have_count(2)
    expect(page.locator("#send-button")).to_be_enabled()
    assert page.url == url
    assert watch.posted_messages() == []
    watch.assert_clean()


def test_stop_keeps_the_partial_reply(
    new_context: ContextFactory, fake_ollama: FakeOllama, live_server: str
) -> None:
    """Stopping ("Zatrzymaj") goes over the socket and keeps the text written so far; the
    chat goes on afterwards."""
    context = new_context(**PHONE)
    page, watch = _watched_page(context, live_server)
    url = _open_conversation(page)
    _wait_socket_open(page)

    fake_ollama.push_reply(LONG_REPLY, chunk_size=4, chunk_delay=0.02)
    _send(page, QUESTION)
    reply_id = _live_reply_id(page)
    _wait_grown_while_live(page, reply_id, 20)
    page.get_by_role("button", name="Zatrzymaj").click()

    reply = page.locator(f"#{reply_id}")
    expect(reply).not_to_have_class(LIVE_CLASS)
    expect(reply.locator(".note")).to_have_text("Zatrzymano odpowiedź.")
    kept = _squash(reply.locator(".body").text_content())
    assert kept, "the text written before the stop is kept"
    assert LONG_REPLY.startswith(kept) and len(kept) < len(LONG_REPLY), kept
    assert fake_ollama.wait_until(lambda: fake_ollama.aborted_streams >= 1, 5)

    button = page.locator("#send-button")
    expect(button).to_be_enabled()
    expect(button).to_have_text("Wyślij")
    expect(page.get_by_role("button", name="Zatrzymaj")).to_have_count(0)

    fake_ollama.push_reply(NEXT_REPLY, chunk_size=CHUNK, chunk_delay=0.01)
    _send(page, "A co dalej?")
    messages = page.locator("#messages li.message")
    expect(messages).to_have_count(4)
    expect(messages.nth(2).locator(".body")).to_have_text("A co dalej?")
    expect(messages.nth(3)).not_to_have_class(LIVE_CLASS)
    expect(messages.nth(3).locator(".body")).to_have_text(NEXT_REPLY)
    assert page.url == url
    assert watch.posted_messages() == []
    assert not [path for path in watch.posts if path.endswith("/stop")]
    watch.assert_clean()


def _refuse_sockets(context: BrowserContext, refused: threading.Event) -> list[str]:
    """While ``refused`` is set, every socket the page opens closes at once as a failed one
    (1006, as when a proxy refuses the upgrade, so htmx keeps retrying); return the attempts.

    ``context.route`` does not see websockets; ``route_web_socket`` does.
    """
    attempts: list[str] = []

    def handle(socket: WebSocketRoute) -> None:
        attempts.append(socket.url)
        if refused.is_set():
            socket.close(code=1006, reason="refused by the test")
        else:
            socket.connect_to_server()

    context.route_web_socket(re.compile(r"/ws$"), handle)
    return attempts


def _wait_attempts(page: Page, attempts: list[str], count: int) -> None:
    """Playwright runs route handlers only while this thread is in a Playwright call."""
    for _ in range(300):
        if len(attempts) >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the page opened {len(attempts)} sockets, expected {count}")


def _post_with_socket_down(page: Page, fake_ollama: FakeOllama, attempts: list[str]) -> str:
    """Open a conversation whose socket keeps failing and send; return the reply's id."""
    url = _open_conversation(page)
    _wait_attempts(page, attempts, 2)  # failed once and retried
    assert page.evaluate("window.testSocketOpen") is False

    fake_ollama.push_reply(REPLY, chunk_size=CHUNK, chunk_delay=0.01)
    _send(page, QUESTION)
    # The composer posted the plain way: post/redirect/get to the page at the new reply.
    expect(page).to_have_url(re.compile(re.escape(url) + r"#m\d+$"))
    return page.url.rsplit("#", 1)[1]


def _assert_final_reply(page: Page, reply_id: str) -> None:
    reply = page.locator(f"#{reply_id}")
    expect(reply).not_to_have_class(LIVE_CLASS)
    expect(reply.locator(".body strong")).to_have_text("Masz 7 dni")
    assert _squash(reply.locator(".body").text_content()) == _squash(REPLY_SHOWN)
    expect(page.locator("#messages li.from-user .body")).to_have_text(QUESTION)
    expect(page.locator("#composer-message")).to_have_value("")
    expect(page.locator("#send-button")).to_be_enabled()


def test_socket_down_falls_back_to_the_form(
    new_context: ContextFactory, fake_ollama: FakeOllama, live_server: str
) -> None:
    """With the socket failing the composer posts as a plain form; the socket takes over
    again once it is back."""
    context = new_context(**PHONE)
    refused = threading.Event()
    refused.set()
    attempts = _refuse_sockets(context, refused)
    page, watch = _watched_page(context, live_server)

    reply_id = _post_with_socket_down(page, fake_ollama, attempts)
    assert len(watch.posted_messages()) == 1
    refused.clear()

    _wait_socket_open(page)
    _assert_final_reply(page, reply_id)
    watch.assert_clean()


def test_reply_arrives_while_the_socket_stays_down(
    new_context: ContextFactory, fake_ollama: FakeOllama, live_server: str
) -> None:
    """With JavaScript on but no socket at all (a proxy that refuses websockets), the posted
    message still gets its reply on the page without the person reloading it."""
    context = new_context(**PHONE)
    refused = threading.Event()
    refused.set()
    attempts = _refuse_sockets(context, refused)
    page, watch = _watched_page(context, live_server)

    reply_id = _post_with_socket_down(page, fake_ollama, attempts)
    _assert_final_reply(page, reply_id)
    assert len(watch.posted_messages()) == 1
    watch.assert_clean()
