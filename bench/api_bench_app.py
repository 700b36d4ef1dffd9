"""The WSGI app that bench/api_bench.py serves: the real app, one constant endpoint, a timer.

    gunicorn --config docker/gunicorn.conf.py 'bench.api_bench_app:create_bench_app()'

Only the benchmark uses this module; the product never has /bench/constant.

Server time is measured by ``ServerTimer``, a WSGI middleware around the whole app: from the
moment the server hands it a request to the moment the server calls ``close()`` on the
response body, which a WSGI server does after writing the last byte to the socket. It covers
Flask's dispatch, every hook, the database and Redis round trips, teardown and the write of
the body; not the server reading and parsing the request before it, nor the access log line
after it. A header cannot carry a figure that ends after the body is sent, so each request's
duration is kept in the worker under the ``X-Bench-Id`` its client sent, and
``GET /_bench/timings`` hands them over (and forgets them). Requests without the header are
not timed. Durations live in one process's memory: the benchmark runs one gunicorn worker.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from app import create_app

CONSTANT_PATH = "/bench/constant"
CONSTANT_BODY = {"ok": True}
TIMINGS_PATH = "/_bench/timings"
TAG_HEADER = "X-Bench-Id"
_TAG_ENVIRON = "HTTP_" + TAG_HEADER.upper().replace("-", "_")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _TimedBody:
    """A response body that reports when the server has finished with it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self._body = body
        self._done = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        """Close the wrapped body, then stop the clock (even if closing failed)."""
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._done()


class ServerTimer:
    """WSGI middleware: seconds from a request's entry to the end of its response body, kept
    by the request's X-Bench-Id and handed over at GET /_bench/timings."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.timings: dict[str, float] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == TIMINGS_PATH:
            return self._hand_over(start_response)
        tag = environ.get(_TAG_ENVIRON)
        if not tag:
            return self.app(environ, start_response)
        began = time.perf_counter()

        def done() -> None:
            self.timings[tag] = time.perf_counter() - began

        try:
            body = self.app(environ, start_response)
        except BaseException:
            done()
            raise
        return _TimedBody(body, done)

    def _hand_over(self, start_response: StartResponse) -> list[bytes]:
        taken, self.timings = self.timings, {}
        body = json.dumps(taken).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        start_response("200 OK", headers)
        return [body]


def create_bench_app() -> ServerTimer:
    """The real app (create_app(), configured from the environment) with GET /bench/constant,
    the whole of it timed by ServerTimer."""
    app = create_app()

    @app.get(CONSTANT_PATH)
    def bench_constant() -> dict[str, bool]:
        """A constant JSON answer: the floor of what any request costs in this app."""
        return CONSTANT_BODY

    return ServerTimer(app)
