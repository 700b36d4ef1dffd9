"""JSON answers: with an ETag (304 when the client has it), created (201) and accepted (202)
with their Location."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Response, request

T = TypeVar("T")


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
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache
    return response


def page_answer(
    found: Sequence[T], limit: int, show: Callable[[T], Any], cursor_of: Callable[[T], Any]
) -> Response:
    """A page of a list (``found`` holds one item more than ``limit`` when there is a next
    page), with the cursor of the next page and an ETag."""
    page = found[:limit]
    more = len(found) > limit
    return json_with_etag(
        {
            "items": [show(item) for item in page],
            "next_cursor": str(cursor_of(page[-1])) if more else None,
        }
    )
