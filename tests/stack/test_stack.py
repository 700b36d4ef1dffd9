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
from pypdf import PdfReader

from tests.fake_ollama import FakeOllama
from tests.helpers import LIVE
from tests.live import streamed_text
from tests.stack.browser import Browser
from tests.stack.stack import ROOT, Stack

pytestmark = pytest.mark.stack

PANGRAM = "Zażółć gęślą jaźń"
DIACRITICS = "ĄĆĘŁŃÓŚŹŻąćęłńóśźż"
LETTER = f"<h1>Wniosek</h1><p>{PANGRAM} — {DIACRITICS}</p><p>Jan Kowalski</p>"
# About 3 s to render (a 290-row table): long enough to kill the worker in the middle.
ROW = "<tr>" + "<td>komórka tekstu</td>" * 8 + "</tr>"
SLOW_LETTER = "<h1>Zestawienie</h1><table>" + ROW * 290 + "</table>"
RENDER_PATH = re.compile(r"/conversations/[\w-]+/renders/[\w-]+$")


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

    status, headers = _plain(stack, "/conversations?x=1")
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/conversations?x=1"

    page = browser.get("/")
    assert page.status == 200 and "Sprawdź, co możesz zrobić" in page.text
    # Vendored files carry their version in their names: cached for a year, never revalidated.
    vendored = sorted((ROOT / "static" / "vendor").glob("htmx-*.min.js"))[0].name
    asset = browser.get(f"/static/vendor/{vendored}")
    assert asset.status == 200
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    css = browser.get("/static/css/app.css")
    assert css.status == 200 and "no-cache" in css.headers["Cache-Control"]


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
    render = _save_and_render(browser, path, SLOW_LETTER)
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
    """Which web container holds the one open socket (its port has the connection)."""
    ports = {"web-1": stack.ports.web_1, "web-2": stack.ports.web_2}
    held = {name: 0 for name in ports}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            port = int(local.rsplit(":", 1)[1], 16)
            for name, web_port in ports.items():
                if port == web_port and state == "01":  # ESTABLISHED, server side
                    held[name] += 1
    busy = [name for name, count in held.items() if count]
    assert len(busy) == 1, held
    return busy[0]


def test_a_stream_survives_the_loss_of_its_web_container(
    stack: Stack, stack_fake: FakeOllama
) -> None:
    reply = "".join(f"słowo{i:02d} " for i in range(30))  # 240 characters
    gate = threading.Event()
    stack_fake.push_reply(reply, chunk_size=6, gate=gate, gate_after=10)
    browser = Browser(stack.base, str(stack.ca_file))
    path = _empty_case(browser)
    browser.get(path)

    first = browser.socket(path)
    first.next_frame()  # the snapshot
    first.send_form("send", message="Pytanie")
    answer = first.receive_until('class="message from-assistant live"')
    message_id = int(re.search(r'class="message from-assistant live" id="m(\d+)"', answer)[1])
    first.receive_while(lambda got: streamed_text(got, message_id) == reply[:60])
    victim = _serving(stack)
    killed = time.monotonic()
    stack.kill(victim)
    first.wait_closed(timeout=10)

    # The browser reconnects (htmx's ws extension): nginx skips the dead container.
    second = browser.socket(path)
    second.next_frame()
    second.receive_while(lambda got: streamed_text(got, message_id) == reply[:60], timeout=10)
    stack.figures["stream_resume_s"] = time.monotonic() - killed
    gate.set()
    finished = re.compile(rf'<li class="message from-assistant" id="m{message_id}"')
    frames = second.receive_while(finished.search, timeout=20)
    # The whole reply, once: what the first socket had is sent again from the start (the
    # snapshot shows the reply empty), never twice.
    assert streamed_text(frames, message_id) == reply
    second.close()
    stack.start(victim)
