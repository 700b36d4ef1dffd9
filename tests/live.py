"""Test helpers for the live chat: the app served over real HTTP and a real websocket client."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import re
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import simple_websocket
from flask import Flask
from werkzeug.serving import make_server

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Person:
    """One browser session over real HTTP: cookies, CSRF token, and chat sockets."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.token = ""
        self.sockets: list[Socket] = []

    def get(self, path: str) -> str:
        """GET a page; remember its CSRF token."""
        with self.opener.open(self.base + path, timeout=10) as response:
            page = response.read().decode()
        found = CSRF_FIELD.search(page)
        if found:
            self.token = found.group(1)
        return page

    def fetch(self, path: str) -> tuple[int, str]:
        """GET without following redirects; return the status and the Location (or body)."""
        try:
            with self.opener.open(self.base + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location") or error.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        """POST a form; return the status and the Location (or body)."""
        if not self.token:
            self.get("/")
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location") or error.read().decode()

    def start(self, topic: str = "mandat") -> str:
        """Start an empty conversation; return its path."""
        status, location = self.post("/conversations", {"message": "", "topic": topic})
        assert status == 302, status
        path = urllib.parse.urlsplit(location).path
        self.get(path)
        return path

    def cookie_header(self) -> str:
        """The Cookie header this person's browser would send."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def socket(self, path: str, origin: str | None = None, base: str | None = None) -> Socket:
        """Open the conversation's chat socket the way the page does.

        simple-websocket's client sends ``Host`` without the port, so the page's own origin,
        as the server sees it, is the bare host. ``origin=""`` sends no Origin header at all;
        ``base`` opens the socket on another server of the same app (same cookies).
        """
        base = base or self.base
        url = base.replace("http://", "ws://") + path + "/ws"
        own = base.rsplit(":", 1)[0]
        headers = {"Cookie": self.cookie_header()}
        if origin != "":
            headers["Origin"] = origin or own
        socket = Socket(simple_websocket.Client.connect(url, headers=headers), self.token)
        self.sockets.append(socket)
        return socket

    def close_sockets(self) -> None:
        """Close every socket this person opened that is still open."""
        for socket in self.sockets:
            if socket.client.connected:
                with contextlib.suppress(simple_websocket.ConnectionClosed, OSError):
                    socket.close()


class Socket:
    """A chat socket: sends htmx-style form frames, collects the HTML frames it receives."""

    def __init__(self, client: simple_websocket.Client, token: str) -> None:
        self.client = client
        self.token = token
        self.frames: list[str] = []

    def send_form(self, action: str, **fields: Any) -> None:
        """Send what htmx's ws-send sends for one of the page's forms."""
        frame = {"csrf_token": self.token, "action": action, **fields, "HEADERS": {}}
        self.client.send(json.dumps(frame))

    def receive_until(self, needle: str, timeout: float = 15.0) -> str:
        """Collect frames until one contains ``needle``; return everything received."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = self.client.receive(timeout=0.2)
            if frame is not None:
                self.frames.append(frame)
                if needle in frame:
                    return "".join(self.frames)
        raise AssertionError(f"{needle!r} not received; got {''.join(self.frames)[-2000:]!r}")

    def receive_while(self, predicate: Any, timeout: float = 15.0) -> str:
        """Collect frames until ``predicate(everything received)`` is true; return it all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = self.client.receive(timeout=0.1)
            if frame is not None:
                self.frames.append(frame)
                if predicate("".join(self.frames)):
                    return "".join(self.frames)
        raise AssertionError(f"condition not met; got {''.join(self.frames)[-2000:]!r}")

    def next_frame(self, timeout: float = 10.0) -> str:
        """The next frame (kept in ``frames`` too); fail the test if none arrives in time."""
        frame = self.client.receive(timeout=timeout)
        assert frame is not None, "no frame received"
        self.frames.append(frame)
        return frame

    def wait_closed(self, timeout: float = 10.0) -> int:
        """Read until the server closes the socket; return the close code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                frame = self.client.receive(timeout=0.1)
            except simple_websocket.ConnectionClosed as closed:
                return int(closed.reason)
            if frame is not None:
                self.frames.append(frame)
        raise AssertionError("the server did not close the socket")

    def close(self) -> None:
        """Close from the client side."""
        self.client.close()


def streamed_text(frames: str, message_id: int) -> str:
    """The text appended to one reply by token frames, in order (HTML entities decoded)."""
    import html

    pattern = re.compile(
        rf'<span id="m{message_id}-text" hx-swap-oob="beforeend">(.*?)</span>', re.S
    )
    return "".join(html.unescape(part) for part in pattern.findall(frames))
