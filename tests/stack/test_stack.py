"""The production stack, run: docker/Dockerfile's image, docker/compose.yml's services
(MariaDB, Redis and nginx built from the same Debian base), a fake Ollama, driven through
nginx over TLS on loopback. Slow (images are built): ``make test-stack``, not ``make test``.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser as PlaywrightBrowser
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.fake_ollama import FakeOllama
from tests.helpers import LIVE
from tests.stack.browser import Browser
from tests.stack.stack import ROOT, Stack

pytestmark = pytest.mark.stack

PANGRAM = "Zażółć gęślą jaźń"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DIACRITICS = "ĄĆĘŁŃÓŚŹŻąćęłńóśźż"
LETTER = f"<h1>Wniosek</h1><p>{PANGRAM} — {DIACRITICS}</p><p>Jan Kowalski</p>"
# About 3 s to render (a 290-row table): long enough to kill the worker in the middle.
ROW = "<tr>" + "<td>komórka tekstu</td>" * 8 + "</tr>"
SLOW_LETTER = "<h1>Zestawienie</h1><table>" + ROW * 290 + "</table>"
RENDER_PATH = re.compile(r"/conversations/[\w-]+/renders/[\w-]+$")
HASHED = re.compile(r"-[0-9a-f]{32}\.js$")


def _plain(stack: Stack, path: str) -> tuple[int, dict[str, str]]:
    """A GET on nginx's plain-HTTP port, redirects not followed."""
    request = urllib.request.Request(f"http://127.0.0.1:{stack.ports.http}{path}")
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_ready_behind_tls(stack: Stack) -> None:
    browser = Browser(stack.base, str(stack.ca_file))
    ready = browser.get("/readyz")
    assert ready.status == 200, ready.text
    checks = json.loads(ready.text)["checks"]
    assert all(check["ok"] for check in checks.values()), checks
    assert "max-age=31536000" in ready.headers["Strict-Transport-Security"]
    serving = json.loads(browser.get("/readyz?scope=serving").text)
    assert serving["status"] == "ready" and "model" not in serving["checks"]
    # The PDF worker's health check, as compose defines it, inside its running container
    # (podman 4.3 runs no health checks by itself).
    compose = yaml.safe_load((ROOT / "docker" / "compose.yml").read_text())
    probe = compose["services"]["worker"]["healthcheck"]["test"]
    assert probe[0] == "CMD"
    command = [part.replace("$$", "$") for part in probe[1:]]
    result = stack.podman.run("exec", stack.podman.container("worker"), *command, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

    status, headers = _plain(stack, "/conversations?x=1")
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/conversations?x=1"

    page = browser.get("/")
    assert page.status == 200 and "Sprawdź, co możesz zrobić" in page.text
    # The image's static files carry their content's hash in their names (app/assets.py):
    # nginx serves them from the published volume, cached for a year, never revalidated.
    linked = re.search(
        r'<link rel="stylesheet" href="(/static/css/app-[0-9a-f]{32}\.css)">', page.text
    )
    assert linked, page.text[:1500]
    css = browser.get(linked.group(1))
    assert css.status == 200 and css.text == (ROOT / "static/css/app.css").read_text()
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    scripts = re.findall(r'<script src="(/static/[^"]+)"', page.text)
    assert scripts and all(HASHED.search(src) for src in scripts), scripts
    plain = browser.get("/static/css/app.css")
    assert plain.status == 200 and "no-cache" in plain.headers["Cache-Control"]
    # The service worker keeps the hashed names for offline use.
    worker = browser.get("/sw.js").text
    assert linked.group(1) in worker and '"/static/css/app.css"' not in worker


def _start(browser: Browser, message: str) -> str:
    """Describe the problem on the landing page; return the conversation's path."""
    started = browser.post("/conversations", {"message": message, "topic": ""})
    assert started.status == 302, started.text
    return urllib.parse.urlsplit(started.location).path


def _idle(browser: Browser, path: str) -> str:
    """Reload the conversation until no reply is pending (no JavaScript: the page's refresh)."""
    return browser.wait_page(path, lambda page: LIVE not in page)


def _empty_case(browser: Browser) -> str:
    """Start a case on a topic, without a message; return its path."""
    browser.get("/")
    started = browser.post("/conversations", {"message": "", "topic": "nakaz-zaplaty"})
    assert started.status == 302, started.text[-800:]
    return urllib.parse.urlsplit(started.location).path


def _save_and_render(browser: Browser, path: str, html: str) -> str:
    """Save the whole text as a new version and ask for its PDF; return the render's path."""
    page = browser.get(path).text
    base = re.search(r'name="base_version" value="(\d+)"', page)
    saved = browser.post(
        f"{path}/document",
        {"html": html, "base_version": base.group(1) if base else "0", "then": "pdf"},
    )
    assert saved.status == 302, saved.text[-800:]
    render = urllib.parse.urlsplit(saved.location).path
    assert RENDER_PATH.search(render), saved.location
    return render


def _pdf(browser: Browser, render: str, timeout: float = 60.0) -> bytes:
    """Press "Odśwież" until the PDF is ready, then download it."""
    page = browser.wait_page(render, lambda page: "render-done" in page, timeout=timeout)
    href = re.search(r'href="([^"]+/pdf\?download=1)"', page)
    assert href, page[-1500:]
    download = browser.get(href.group(1).replace("&amp;", "&"))
    assert download.status == 200 and download.headers["Content-Type"] == "application/pdf"
    return download.body


def test_no_javascript_flow_to_a_pdf(stack: Stack, stack_fake: FakeOllama) -> None:
    browser = Browser(stack.base, str(stack.ca_file))
    browser.get("/")
    stack_fake.push_reply(f"**Masz 7 dni** na odwołanie. {PANGRAM}.")
    path = _start(browser, "Dostałem mandat za parkowanie, ale zapłaciłem za postój.")
    page = _idle(browser, path)
    assert "<strong>Masz 7 dni</strong>" in page and PANGRAM in page

    drafted = browser.post(f"{path}/document/draft")
    assert drafted.status == 302
    page = _idle(browser, path)
    assert 'class="letter paper"' in page

    render = _save_and_render(browser, path, LETTER)
    body = _pdf(browser, render)
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)
    assert PANGRAM in text, text
    assert not [c for c in DIACRITICS if c not in text], text
    # Every request went through nginx to the two web containers; the PDF was made by the
    # worker container and read back by whichever web served the download (shared volume).


def test_a_render_survives_its_worker_container_killed(stack: Stack) -> None:
    browser = Browser(stack.base, str(stack.ca_file))
    path = _empty_case(browser)
    # The reference: the same letter rendered with nothing killed.
    started = time.monotonic()
    _pdf(browser, _save_and_render(browser, path, SLOW_LETTER), timeout=90)
    stack.figures["render_undisturbed_s"] = time.monotonic() - started
    render = _save_and_render(browser, path, SLOW_LETTER + "<p>Druga wersja</p>")
    browser.wait_page(render, lambda page: "render-running" in page, timeout=30)
    killed = time.monotonic()
    stack.kill("worker")
    # The restart policy (unless-stopped) brings it back; start it by hand if podman did not.
    deadline = time.monotonic() + 10
    while not stack.running("worker") and time.monotonic() < deadline:
        time.sleep(0.5)
    stack.notes["worker_restarted_by_policy"] = stack.running("worker")
    if not stack.running("worker"):
        stack.start("worker")
    body = _pdf(browser, render, timeout=90)
    stack.figures["render_recovery_s"] = time.monotonic() - killed
    assert body.startswith(b"%PDF-")
    assert "Zestawienie" in (PdfReader(io.BytesIO(body)).pages[0].extract_text() or "")


def _serving(stack: Stack) -> str:
    """Which web container holds the one open socket (its port has the only connection that
    stays established; a page request's connection comes and goes, so look a few times)."""
    ports = {"web-1": stack.ports.web_1, "web-2": stack.ports.web_2}
    for _ in range(20):
        held = {name: 0 for name in ports}
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                port = int(local.rsplit(":", 1)[1], 16)
                for name, web_port in ports.items():
                    if port == web_port and state == "01":  # ESTABLISHED, server side
                        held[name] += 1
        busy = [name for name, count in held.items() if count]
        if len(busy) == 1 and held[busy[0]] == 1:
            return busy[0]
        time.sleep(0.1)
    raise AssertionError(f"not one socket on one web container: {held}")


# In every page: count the chat socket's opens (htmx's ws extension reports each one).
SOCKET_HOOKS = """
window.socketOpens = 0;
document.addEventListener("htmx:wsOpen", () => { window.socketOpens += 1; });
"""
REPLY_CHUNK = 6
REPLY_HELD = 10  # chunks the model sends before the test lets it go on


def test_a_stream_survives_the_loss_of_its_web_container(
    stack: Stack, stack_fake: FakeOllama, chromium: PlaywrightBrowser
) -> None:
    """In Chromium with JavaScript: the web container holding the chat socket is killed
    mid-reply; the page reconnects through nginx to the other one and shows the whole
    reply once."""
    reply = "POCZĄTEK " + "".join(f"słowo{i:02d} " for i in range(30)) + "KONIEC"
    held = reply[: REPLY_HELD * REPLY_CHUNK]
    context = chromium.new_context(
        base_url=stack.base, ignore_https_errors=True, locale="pl-PL", **PHONE
    )
    context.set_default_timeout(20_000)
    context.add_init_script(SOCKET_HOOKS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    gate = threading.Event()
    victim = None
    try:
        page.goto("/pisma/pismo/dostep-do-danych")
        page.get_by_label("Nie znam jeszcze wszystkich danych", exact=False).check()
        page.get_by_role("button", name="Przygotuj pismo").click()
        expect(page).to_have_url(re.compile(r"/conversations/[A-Za-z0-9_-]+$"))
        page.wait_for_function("() => window.socketOpens === 1")
        # The reference: the page opened afresh until its socket is open.
        started = time.monotonic()
        page.reload()
        page.wait_for_function("() => window.socketOpens === 1", polling=20)
        stack.figures["page_to_socket_s"] = time.monotonic() - started

        stack_fake.push_reply(reply, chunk_size=REPLY_CHUNK, gate=gate, gate_after=REPLY_HELD)
        page.get_by_label("Twoja wiadomość").fill("Pytanie")
        page.get_by_role("button", name="Wyślij").click()
        live = page.locator("#messages li.message.from-assistant.live")
        expect(live).to_have_count(1)
        reply_id = live.get_attribute("id")
        text = page.locator(f"#{reply_id}-text")
        expect(text).to_have_text(held)

        victim = _serving(stack)
        killed = time.monotonic()
        stack.kill(victim)
        # Resumed: a new socket is open and the reply, sent again from its start, has
        # reached where it was.
        page.wait_for_function(
            """([id, held]) => window.socketOpens === 2
                && document.getElementById(id + "-text")?.textContent === held""",
            arg=[reply_id, held],
            polling=20,
        )
        stack.figures["stream_resume_s"] = time.monotonic() - killed
        gate.set()
        expect(page.locator(f"#{reply_id}")).not_to_have_class(re.compile(r"\blive\b"))
        body = page.locator(f"#{reply_id} .body").text_content() or ""
        assert " ".join(body.split()) == " ".join(reply.split())
        shown = page.locator("#messages").text_content() or ""
        assert shown.count("POCZĄTEK") == 1 and shown.count("KONIEC") == 1
        assert not errors, errors
    finally:
        gate.set()
        context.close()
        if victim:
            stack.start(victim)
