"""Test helpers: a browser-like form client and small waiting utilities."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
# Settings changed on the app reach jobs only where they run inside it (no worker process).
embedded_only = pytest.mark.skipif(
    os.environ.get("TEST_BACKEND", "sqlite") != "sqlite",
    reason="changes the app's config, which the separate model worker does not see",
)
# A letter as the model drafts it (structured output) for the nakaz-zapłaty topic.
SAMPLE_LETTER = {
    "situation": "sprzeciw-nakaz",
    "title": "",
    "sender_name": "Anna Nowak",
    "sender_address": "ul. Łąkowa 5, 30-001 Kraków",
    "place": "Kraków",
    "recipient": "Sąd Rejonowy dla Krakowa-Śródmieścia",
    "reference": "I Nc 123/26",
    "paragraphs": ["Zapłaciłam fakturę przed wniesieniem pozwu."],
    "requests": ["uchylenie nakazu zapłaty"],
    "attachments": ["potwierdzenie przelewu"],
}
# Every reply that is still pending or streaming is marked like this on the page.
LIVE = 'aria-busy="true"'


class Browser:
    """Posts forms the way a browser with JavaScript off would, CSRF token included."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        """GET a page and remember the CSRF token it carries."""
        response = self.client.get(url, **kwargs)
        if response.mimetype == "text/html":
            found = CSRF_FIELD.search(response.get_data(as_text=True))
            if found:
                self.token = found.group(1)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """POST a form with this session's CSRF token."""
        if self.token is None:
            self.get("/")
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def start(self, message: str = "", topic: str = "", *, wait: bool = True) -> str:
        """Start a conversation from the landing page; return its URL (without the anchor).

        With a first message the model's reply is generated in the background: by default
        this waits until it has finished.
        """
        response = self.post("/conversations", {"message": message, "topic": topic})
        assert response.status_code == 302, response.status_code
        url = response.headers["Location"].split("#", 1)[0]
        if message and wait:
            self.wait_idle(url)
        return url

    def wait_idle(self, url: str, timeout: float = 30.0) -> str:
        """Wait until no reply of the conversation is pending or streaming; return the page."""

        def settled() -> str | None:
            page = text_of(self.get(url))
            return None if LIVE in page else page

        return wait_for(settled, timeout=timeout, interval=0.05)

    def send(self, url: str, message: str) -> TestResponse:
        """Send a chat message and wait for the reply to finish."""
        response = self.post(f"{url}/messages", {"message": message})
        self.wait_idle(url)
        return response

    def draft(self, url: str) -> TestResponse:
        """Ask for the letter and wait for the draft to finish."""
        response = self.post(f"{url}/document/draft")
        self.wait_idle(url)
        return response


def text_of(response: TestResponse) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Poll until predicate returns something truthy; fail the test after the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
