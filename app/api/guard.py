"""What every API request goes through: no keys in query strings, JSON bodies only, the key
checked (except on public reads), rate-limit headers, and failures in the error format."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, request
from werkzeug.exceptions import BadRequest

from app import messages, principal
from app.actions import ActionError, BlanksLeft, FieldsRejected, OutOfScope
from app.api import bp, legacy
from app.api.errors import ApiError, action_error, error_response, field_details
from app.extensions import csrf, limiter
from app.limits import api_limit, legacy_limit
from app.services.api_keys import looks_like_key

View = TypeVar("View", bound=Callable[..., Any])
# Query parameters that clients commonly use for keys: refused rather than ignored, so a key
# never lands in URLs, logs and shell history unnoticed.
KEY_PARAMETERS = {"api_key", "apikey", "key", "access_token", "token"}
BODY_METHODS = ("POST", "PUT", "PATCH")


def public(view: View) -> View:
    """Mark a view as readable without a key (the catalogue, health, the description)."""
    view.public = True  # type: ignore[attr-defined]
    return view


def _is_public() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "public", False))


def _has_body() -> bool:
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    return bool(request.content_length) or chunked


def _check() -> None:
    if any(name.lower() in KEY_PARAMETERS for name in request.args) or any(
        looks_like_key(value) for value in request.args.values()
    ):
        raise ApiError(400, "KEY_IN_QUERY", messages.API_KEY_IN_QUERY)
    if not _is_public():
        # Who asks comes before what is asked: a client without a key learns only that.
        if principal.bearer_token() == "":
            raise ApiError(401, message=messages.API_BAD_AUTH)
        if not principal.current().authenticated:
            raise ApiError(401)
    if request.method in BODY_METHODS and _has_body():
        if not request.is_json:
            raise ApiError(415)
        try:
            body = request.get_json()
        except BadRequest as exc:
            raise ApiError(400, "INVALID_JSON", messages.API_BAD_JSON) from exc
        if not isinstance(body, dict):
            # Every body is an object; 0, [] or null must not pass as an empty one.
            raise ApiError(
                422, details={"fields": {"body": {"code": "not_object", "message": "object"}}}
            )


def _rate_headers(response: Response) -> Response:
    """IETF RateLimit-* headers (delta seconds) beside Flask-Limiter's X-RateLimit-*."""
    current = limiter.current_limit
    if current is not None:
        response.headers["RateLimit-Limit"] = str(current.limit.amount)
        response.headers["RateLimit-Remaining"] = str(max(0, current.remaining))
        response.headers["RateLimit-Reset"] = str(max(0, int(current.reset_at - time.time())))
        response.headers["RateLimit-Policy"] = (
            f"{current.limit.amount};w={current.limit.get_expiry()}"
        )
    response.headers.setdefault("Cache-Control", "no-store")
    # The same URL answers each key differently: shared caches must keep them apart.
    response.vary.add("Authorization")
    return response


def _api_error(error: ApiError) -> tuple[Response, int]:
    response, status = error_response(error.status, error.code, error.message, error.details)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="mikroporada"'
    return response, status


def _action_error(error: ActionError) -> tuple[Response, int]:
    if isinstance(error, FieldsRejected):
        found = action_error(error.code, field_details(error.errors))
    elif isinstance(error, OutOfScope):
        refusal = error.refusal
        found = action_error(
            error.code,
            {"kind": refusal.key, "title": refusal.title, "explanation": refusal.explanation},
        )
    elif isinstance(error, BlanksLeft):
        found = action_error(error.code, {"blanks": error.blanks})
    else:
        found = action_error(error.code)
    return _api_error(found)


for blueprint, limit in ((bp, api_limit), (legacy, legacy_limit)):
    csrf.exempt(blueprint)
    # One budget per key for every route of the blueprint (shared, not counted per route);
    # routes with limits of their own spend it too (override_defaults=False there).
    limiter.shared_limit(limit, scope=blueprint.name, key_func=principal.limit_key)(blueprint)
    blueprint.before_request(_check)
    blueprint.after_request(_rate_headers)
    blueprint.register_error_handler(ApiError, _api_error)
    blueprint.register_error_handler(ActionError, _action_error)
