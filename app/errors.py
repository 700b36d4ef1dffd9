"""Error pages in Polish (HTML) for the whole app."""

from __future__ import annotations

import re

from flask import Flask, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app import messages
from app.api.errors import ApiError, error_response, is_api_request

TEXTS = {
    400: messages.BAD_REQUEST,
    404: messages.NOT_FOUND,
    405: messages.BAD_REQUEST,
    413: messages.TOO_LARGE,
    429: messages.RATE_LIMITED,
    500: messages.SERVER_ERROR,
}


CASE_PATH = re.compile(r"^/conversations/([A-Za-z0-9_-]{1,32})(?:/|$)")


def _case_url() -> str | None:
    """The case this request was about, when this browser owns it: the way back."""
    found = CASE_PATH.match(request.path)
    if not found:
        return None
    from app.security import current_owner
    from app.services.conversations import get_owned

    if get_owned(found.group(1), current_owner()) is None:
        return None
    return url_for("conversations.show", public_id=found.group(1))


def _page(status: int, text: str) -> tuple[str, int]:
    back = _case_url() if status in (400, 413, 429) else None
    return render_template("errors/error.html", status=status, text=text, back=back), status


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return _page(400, messages.CSRF_FAILED)

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[object, int]:
        return error_response(error.status, error.code, error.message, error.details)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[object, int]:
        status = error.code or 500
        if is_api_request():
            return error_response(status)
        return _page(status, TEXTS.get(status, messages.BAD_REQUEST))

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[object, int]:
        app.logger.exception("unhandled error")
        from app.extensions import db

        db.session.rollback()
        if is_api_request():
            return error_response(500)
        return _page(500, messages.SERVER_ERROR)
