"""One error format for everything under /api/: {"error": {"code", "message", "details"}}.

Services and actions raise errors with stable lower-case codes; this adapter words them for
API clients: an HTTP status, a stable upper-case code, the Polish sentence a person would
read, and details a program can act on (which fields, which reason).
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from app import messages, wording

API_PREFIX = "/api/"
# Stable codes for HTTP failures; the message is for the person reading the client's log.
HTTP_CODES = {
    400: ("INVALID_REQUEST", messages.API_INVALID),
    401: ("UNAUTHORIZED", messages.API_UNAUTHORIZED),
    404: ("NOT_FOUND", messages.API_NOT_FOUND),
    405: ("METHOD_NOT_ALLOWED", messages.API_METHOD_NOT_ALLOWED),
    409: ("CONFLICT", messages.API_CONFLICT),
    413: ("PAYLOAD_TOO_LARGE", messages.TOO_LARGE),
    415: ("UNSUPPORTED_MEDIA_TYPE", messages.API_JSON_ONLY),
    422: ("INVALID_REQUEST", messages.API_INVALID),
    429: ("RATE_LIMITED", messages.RATE_LIMITED),
    500: ("INTERNAL_ERROR", messages.SERVER_ERROR),
    502: ("GENERATION_ERROR", messages.LLM_FAILED),
    503: ("SERVICE_UNAVAILABLE", messages.API_UNAVAILABLE),
}
# Action codes (app.actions, services) -> HTTP status and API code; the message comes from
# the same wording the pages use.
ACTION_CODES = {
    "not_found": (404, "NOT_FOUND"),
    "message_empty": (422, "INVALID_REQUEST"),
    "message_too_long": (422, "INVALID_REQUEST"),
    "busy": (409, "BUSY"),
    "renders_busy": (429, "RENDERS_BUSY"),
    "queue_full": (503, "SERVICE_UNAVAILABLE"),
    "needs_chat": (409, "NEEDS_CHAT"),
    "nothing_to_retry": (409, "NOTHING_TO_RETRY"),
    "nothing_to_stop": (409, "NOTHING_TO_STOP"),
    "document_missing": (409, "DOCUMENT_MISSING"),
    "document_stale": (409, "STALE_VERSION"),
    "document_too_large": (422, "INVALID_DOCUMENT"),
    "document_too_complex": (422, "INVALID_DOCUMENT"),
    "document_too_deep": (422, "INVALID_DOCUMENT"),
    "document_empty": (422, "INVALID_DOCUMENT"),
    "fields_invalid": (422, "INVALID_FIELDS"),
    "out_of_scope": (422, "OUT_OF_SCOPE"),
    "revise_needs_fields": (409, "NEEDS_FIELDS"),
    "revise_bad_request": (422, "INVALID_REQUEST"),
    "situation_unknown": (422, "INVALID_REQUEST"),
    "blanks_left": (409, "BLANKS_LEFT"),
    "render_not_ready": (409, "RENDER_NOT_READY"),
}

# Where the pages' sentence speaks of a form or a page, the API says it its own way.
API_WORDING = {
    "not_found": messages.API_NOT_FOUND,
    "fields_invalid": messages.API_FIELDS_INVALID,
}


class ApiError(Exception):
    """A failure to answer in the error format (raised by the API's own adapters)."""

    def __init__(
        self, status: int, code: str | None = None, message: str | None = None, details: Any = None
    ) -> None:
        super().__init__(code or status)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def is_api_request() -> bool:
    """True for requests under /api/, which get JSON errors instead of Polish pages."""
    return request.path.startswith(API_PREFIX)


def error_response(
    status: int, code: str | None = None, message: str | None = None, details: Any = None
) -> tuple[Response, int]:
    """The JSON error body for ``status`` (code and message default from the status)."""
    default_code, default_message = HTTP_CODES.get(
        status, ("INVALID_REQUEST", messages.API_INVALID)
    )
    body: dict[str, Any] = {
        "error": {"code": code or default_code, "message": message or default_message}
    }
    if details is not None:
        body["error"]["details"] = details
    return jsonify(body), status


def action_error(code: str, details: dict[str, Any] | None = None) -> ApiError:
    """The API's answer to an action refused with ``code``."""
    status, api_code = ACTION_CODES.get(code, (422, "INVALID_REQUEST"))
    message = API_WORDING.get(code) or wording.action_error(code)
    return ApiError(status, api_code, message, {"reason": code, **(details or {})})


def field_details(errors: dict[str, str]) -> dict[str, Any]:
    """Per-field codes and their Polish wording, for INVALID_FIELDS."""
    return {
        "fields": {
            name: {"code": code, "message": wording.field_error(code)}
            for name, code in errors.items()
        }
    }


def validation_details(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Pydantic's errors as {"fields": {"a.b": {"code", "message"}}} for INVALID_REQUEST."""
    fields: dict[str, Any] = {}
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ())) or "body"
        fields.setdefault(where, {"code": error.get("type", "invalid"), "message": error["msg"]})
    return {"fields": fields}


def validation_failed(
    req: Any, resp: Any, error: Exception | None, instance: Any, adapter: Any = None
) -> None:
    """spectree's hook after validating a request: refuse it in the error format."""
    if error is not None:
        raise ApiError(
            422,
            "INVALID_REQUEST",
            messages.API_INVALID,
            validation_details(error.errors(include_context=False, include_url=False)),  # type: ignore[attr-defined]
        )
