"""JSON answers: with an ETag (304 when the client has it), created (201) and accepted (202)
with their Location."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Response, request

from app.api.errors import ApiError


def json_response(payload: Any, status: int = 200, location: str | None = None) -> Response:
    """A JSON answer, with a Location header for what it created or started."""
    response = Response(
        json.dumps(payload, ensure_ascii=False), status, mimetype="application/json"
    )
    if location:
        response.headers["Location"] = location
    return response


def json_with_etag(payload: Any, cache: str = "private, no-cache") -> Response:
    """A JSON answer with an ETag of its body; 304 when the client already has it.

    ``no-cache`` lets a client keep it but ask again each time; the ETag makes asking cheap.
    """
    # Insertion order is stable (and keeps the fields in form order), so it makes a fine ETag.
    body = json.dumps(payload, ensure_ascii=False)
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache
    return response


def cursor_value(raw: str | None) -> int | None:
    """A page cursor (an opaque string to clients; here a row's position), or None."""
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise ApiError(422, details={"fields": {"cursor": {"code": "invalid", "message": "?"}}})
    return int(raw)
