"""One error format for everything under /api/: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from app import messages

API_PREFIX = "/api/"
# Stable codes for HTTP failures; the message is for the person reading the client's log.
HTTP_CODES = {
    400: ("INVALID_REQUEST", messages.BAD_REQUEST),
    401: ("UNAUTHORIZED", messages.API_UNAUTHORIZED),
    404: ("NOT_FOUND", messages.NOT_FOUND),
    405: ("METHOD_NOT_ALLOWED", messages.API_METHOD_NOT_ALLOWED),
    413: ("PAYLOAD_TOO_LARGE", messages.TOO_LARGE),
    429: ("RATE_LIMITED", messages.RATE_LIMITED),
    500: ("INTERNAL_ERROR", messages.SERVER_ERROR),
    503: ("SERVICE_UNAVAILABLE", messages.API_UNAVAILABLE),
}


def is_api_request() -> bool:
    """True for requests under /api/, which get JSON errors instead of Polish pages."""
    return request.path.startswith(API_PREFIX)


def error_response(
    status: int, code: str | None = None, message: str | None = None, details: Any = None
) -> tuple[Response, int]:
    """The JSON error body for ``status`` (code and message default from the status)."""
    default_code, default_message = HTTP_CODES.get(
        status, ("INVALID_REQUEST", messages.BAD_REQUEST)
    )
    body = {"error": {"code": code or default_code, "message": message or default_message}}
    if details is not None:
        body["error"]["details"] = details
    return jsonify(body), status
