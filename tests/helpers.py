"""Test helpers: a browser-like form client and small waiting utilities."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


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

    def start(self, message: str = "", topic: str = "") -> str:
        """Start a conversation from the landing page; return its URL."""
        response = self.post("/conversations", {"message": message, "topic": topic})
        assert response.status_code == 302, response.status_code
        return response.headers["Location"]


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
