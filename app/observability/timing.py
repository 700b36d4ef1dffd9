"""Per-request bookkeeping: the request id, the latency metric and the request's log line.

The line names the Flask endpoint, never the path (which holds case ids) or the query
string; the body, cookies and form fields are never looked at.
"""

from __future__ import annotations

import logging
import time

import sentry_sdk
from flask import Flask, Response, g, request

from app.observability import logs, metrics

request_log = logging.getLogger(logs.REQUEST_LOGGER)


def _is_websocket() -> bool:
    return request.environ.get("HTTP_UPGRADE", "").lower() == "websocket"


def start() -> None:
    """Bind the request id and start the clock (the first before_request hook)."""
    request_id = logs.accept_request_id(request.headers.get(logs.REQUEST_ID_HEADER))
    g.request_id = request_id
    g.request_token = logs.bind_request_id(request_id)
    g.request_started = time.monotonic()
    g.websocket = _is_websocket()
    if g.websocket:
        metrics.websocket_opened(request.endpoint)
    if sentry_sdk.get_client().is_active():
        sentry_sdk.set_tag("request_id", request_id)


def stamp(response: Response) -> Response:
    """Return the request id and remember the status (the last after_request hook)."""
    request_id = g.get("request_id")
    if request_id:
        response.headers[logs.REQUEST_ID_HEADER] = request_id
    g.response_status = response.status_code
    return response


def finish(error: BaseException | None) -> None:
    """Record the request: metric and log line, whatever happened (teardown)."""
    started = g.pop("request_started", None)
    if started is None:
        return  # start() never ran: nothing to finish
    seconds = time.monotonic() - started
    status = g.get("response_status") or 500
    endpoint = request.endpoint or "unmatched"
    if g.get("websocket"):
        metrics.websocket_closed(endpoint)
    else:
        metrics.request_finished(endpoint, request.method, status, seconds)
    request_log.info(
        "request",
        extra={
            "event": "websocket" if g.get("websocket") else "request",
            "method": request.method,
            "endpoint": endpoint,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
        },
    )
    token = g.pop("request_token", None)
    if token is not None:
        try:
            logs.reset_request_id(token)
        except (ValueError, RuntimeError):
            logs.bind_request_id(None)  # bound in another context (a copied one): clear


def init_app(app: Flask) -> None:
    """Register the hooks; call before any other extension registers its own."""
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    # after_request hooks run in reverse order of registration: first in, last to run.
    app.after_request_funcs.setdefault(None, []).insert(0, stamp)
    app.teardown_request(finish)
