"""A small wrapper over one httpx.Client for the JSON API: JSON in and out, NDJSON streams,
file downloads, and every failure turned into an ApiError with a Polish message."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx

from app.client import messages

V1 = "/api/v1"
NDJSON = "application/x-ndjson"
USER_AGENT = "mikroporada-cli/1.0"
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
# A reply's stream is quiet while the model thinks; the server gives up on a reply after its
# generation deadline (600 s by default) and then closes the stream itself.
# The server sends a line at least every 20 s while a reply waits; silence this long is a
# dead connection.
STREAM_READ_TIMEOUT_S = 60.0


class ApiError(Exception):
    """A failed request: the server's error (code, Polish message, details) or our own words
    for a failure without one (connection refused, a proxy's HTML page)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        details: Any = None,
        retry_after: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details = details
        self.retry_after = retry_after
        # What the client adds after the server's words: what to do about it.
        self.hints: list[str] = []


class StreamBroken(ApiError):
    """A stream that ended before its last line (the reply may still finish on the server)."""


@dataclass(frozen=True)
class Download:
    """A downloaded file: its bytes, the server's file name for it and its media type."""

    content: bytes
    filename: str | None
    media_type: str


def error_from(response: httpx.Response) -> ApiError:
    """The ApiError for an unsuccessful response, in the API's one error format if it is."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    # Only a refusal for now says when to come back (the server sends Retry-After on others).
    retry_after = (
        response.headers.get("Retry-After") if response.status_code in (429, 503) else None
    )
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return ApiError(
            error["message"],
            status=response.status_code,
            code=str(error.get("code") or ""),
            details=error.get("details"),
            retry_after=retry_after,
        )
    return ApiError(
        messages.HTTP_FAILED.format(status=response.status_code),
        status=response.status_code,
        retry_after=retry_after,
    )


def filename_of(response: httpx.Response) -> str | None:
    """The file name from Content-Disposition (RFC 6266, filename* preferred), if any."""
    header = response.headers.get("Content-Disposition")
    if not header:
        return None
    parsed = Message()
    parsed["Content-Disposition"] = header
    name = parsed.get_filename()
    return name or None


class Api:
    """The API at one base URL, with one key (or none, for the public reads)."""

    def __init__(
        self, base: str, key: str | None, transport: httpx.BaseTransport | None = None
    ) -> None:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self.base = base.rstrip("/")
        self.http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- addresses ---------------------------------------------------------------------------

    def v1(self, *parts: str) -> str:
        """The absolute URL of /api/v1/<parts> (each part quoted)."""
        return f"{self.base}{V1}/" + "/".join(quote(part, safe="") for part in parts)

    def legacy(self, name: str) -> str:
        """The absolute URL of /api/<name> (the earlier endpoints, e.g. health)."""
        return f"{self.base}/api/{name}"

    def resolve(self, url: str) -> str:
        """A URL the server gave (an absolute path) as an absolute URL on the same server: the
        key is never sent to another host, whatever a reply says."""
        resolved = urljoin(self.base + "/", url)
        if urlsplit(resolved)[:2] != urlsplit(self.base)[:2]:
            raise ApiError(messages.FOREIGN_URL.format(url=url), code="FOREIGN_URL")
        return resolved

    # -- requests ----------------------------------------------------------------------------

    @contextmanager
    def _transport(self) -> Iterator[None]:
        """Network failures as ApiError with a Polish message."""
        try:
            yield
        except httpx.TimeoutException as exc:
            raise ApiError(messages.TIMED_OUT.format(url=self.base), code="TIMEOUT") from exc
        except httpx.TransportError as exc:
            raise ApiError(
                messages.CONNECTION_FAILED.format(url=self.base, reason=exc or type(exc).__name__),
                code="CONNECTION_FAILED",
            ) from exc

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request; return the response if it succeeded, else raise ApiError."""
        with self._transport():
            response = self.http.request(method, self.resolve(url), **kwargs)
        if response.is_error:
            raise error_from(response)
        return response

    def poll(self, url: str) -> Any:
        """GET for a polling loop: None after waiting out a 429 (as Retry-After says, at most
        5 s), so the loop just asks again."""
        try:
            return self.get(url)
        except ApiError as exc:
            if exc.status != 429:
                raise
            wait = exc.retry_after or ""
            time.sleep(min(float(wait), 5.0) if wait.isdigit() else 1.0)
            return None

    def get(self, url: str, params: dict[str, str] | None = None) -> Any:
        """GET a JSON resource."""
        return _json(self.request("GET", url, params=params))

    def post(self, url: str, body: dict[str, Any] | None = None) -> Any:
        """POST a JSON body; return the JSON answer."""
        return _json(self.request("POST", url, json=body if body is not None else {}))

    def delete(self, url: str) -> None:
        """DELETE a resource."""
        self.request("DELETE", url)

    def download(self, url: str) -> Download:
        """GET a file."""
        response = self.request("GET", url, headers={"Accept": "application/pdf"})
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        return Download(response.content, filename_of(response), media_type)

    def stream(self, url: str) -> Iterator[dict[str, Any]]:
        """The NDJSON events of a stream, one dict per line, as they arrive.

        Raises ApiError when the stream cannot be opened and StreamBroken when it stops
        before its end or sends a line that is not JSON.
        """
        timeout = httpx.Timeout(
            READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S, read=STREAM_READ_TIMEOUT_S
        )
        with self._transport():
            request = self.http.build_request(
                "GET", self.resolve(url), headers={"Accept": NDJSON}, timeout=timeout
            )
            response = self.http.send(request, stream=True)
        try:
            if response.is_error:
                with self._transport():
                    response.read()
                raise error_from(response)
            yield from _lines(response)
        finally:
            response.close()


def _lines(response: httpx.Response) -> Iterator[dict[str, Any]]:
    try:
        for line in response.iter_lines():
            if not line.strip():
                continue
            event = json.loads(line)
            if not isinstance(event, dict):
                raise ValueError("not an object")
            yield event
    except (httpx.TransportError, ValueError) as exc:
        raise StreamBroken(messages.STREAM_BROKEN, code="STREAM_BROKEN") from exc


def _json(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise ApiError(
            messages.NOT_JSON.format(status=response.status_code), status=response.status_code
        ) from exc
