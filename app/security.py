"""Response headers and the browser-session owner token."""

from __future__ import annotations

import secrets

from flask import Flask, Response, session

from app.services.conversations import owner_hash

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def current_owner() -> str | None:
    """The owner hash of this browser session, or None when it owns nothing yet."""
    token = session.get("owner")
    return owner_hash(token) if token else None


def ensure_owner() -> str:
    """The owner hash of this browser session, giving the session an owner token if needed."""
    token = session.get("owner")
    if not token:
        token = secrets.token_urlsafe(32)
        session["owner"] = token
        session.permanent = True
    return owner_hash(token)


def _headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CSP)
        # Pages show private case details: never keep them in shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Attach the security headers to every response."""
    app.after_request(_headers)
