"""Sentry's real transport, pointed at a loopback server: what leaves the process is clean."""

from __future__ import annotations

import gzip
import json
import logging
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from flask import Flask, request

from app.observability import sentry
from tests.helpers import wait_for
from tests.observed import CANARY


class Collector:
    """A loopback HTTP server that keeps every request body it receives, decompressed."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    raw = gzip.decompress(raw)
                elif encoding == "deflate":
                    raw = zlib.decompress(raw)
                elif encoding == "br":
                    import brotli  # type: ignore[import-not-found]

                    raw = brotli.decompress(raw)
                collector.bodies.append(raw)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def dsn(self) -> str:
        """A DSN whose ingestion URL is this server."""
        return f"http://publickey@127.0.0.1:{self.server.server_address[1]}/1"

    def close(self) -> None:
        """Stop listening."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def collector() -> Iterator[Collector]:
    """A loopback Sentry; the SDK is switched off again afterwards."""
    server = Collector()
    yield server
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.init()  # no DSN: an inactive client for the rest of the suite
    server.close()


def test_an_error_reaches_sentry_without_personal_data(app: Flask, collector: Collector) -> None:
    assert sentry.init({**app.config, "SENTRY_DSN": collector.dsn})

    def boom() -> str:
        letter = f"Ja, {CANARY}, wnoszę sprzeciw"  # a local variable
        logging.getLogger("app.test").info("got %s", letter)  # a breadcrumb
        raise ValueError(f"cannot parse {letter} from {request.args.get('name')}")

    app.add_url_rule("/boom", view_func=boom)
    response = app.test_client().get(
        f"/boom?name={CANARY}",
        data={"message": CANARY},
        headers={
            "X-Request-ID": "sentry-request-000001",
            "Referer": "https://example.com/?who=Kowalski",
            "X-Letter": "Kowalski",
            "Cookie": "session=Kowalski",
        },
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    wait_for(lambda: any(b"ValueError" in body for body in collector.bodies), timeout=10)
    for body in collector.bodies:
        assert b"Kowalski" not in body
        # JSON may escape non-ASCII: compare the decoded items too.
        for line in body.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            assert CANARY not in json.dumps(item, ensure_ascii=False)
            assert "Kowalski" not in json.dumps(item, ensure_ascii=False)
    events = [
        json.loads(line)
        for body in collector.bodies
        for line in body.splitlines()
        if line.startswith(b"{") and b'"exception"' in line
    ]
    assert events, collector.bodies
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert event["tags"]["request_id"] == "sentry-request-000001"
    assert "url" not in event["request"] and "query_string" not in event["request"]
