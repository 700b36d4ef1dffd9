"""A browser with JavaScript off, over HTTPS through nginx: cookies, CSRF tokens, Referer."""

from __future__ import annotations

import http.cookiejar
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Response:
    """What came back: status, headers and body (redirects are not followed)."""

    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Browser:
    """One person's browser: a cookie jar and the CSRF token of the last page."""

    def __init__(self, base: str, ca_file: str) -> None:
        self.base = base
        self.context = ssl.create_default_context(cafile=ca_file)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.context),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect(),
        )
        self.token = ""

    def request(self, method: str, url: str, data: dict[str, str] | None = None) -> Response:
        """One request; the Referer is the site's own, as a browser's would be."""
        url = url if "://" in url else self.base + url
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310
        request.add_header("Referer", self.base + "/")
        try:
            with self.opener.open(request, timeout=15) as response:
                result = Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            result = Response(error.code, error.headers, error.read())
        found = CSRF_FIELD.search(result.text) if result.body[:5] != b"%PDF-" else None
        if found:
            self.token = found.group(1)
        return result

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str] | None = None) -> Response:
        """Post a form with the CSRF token, as the page's form would."""
        if not self.token:
            self.get("/")
        return self.request("POST", path, {"csrf_token": self.token, **(data or {})})

    def wait_page(self, path: str, done: Any, timeout: float = 30.0) -> str:
        """Reload a page (the "Odśwież" button) until ``done(page)``; return the page."""
        deadline = time.monotonic() + timeout
        page = ""
        while time.monotonic() < deadline:
            response = self.get(path)
            page = response.text
            if response.status == 200 and done(page):
                return page
            time.sleep(0.3)
        raise AssertionError(f"{path} did not get there in {timeout} s: {page[-1500:]}")
