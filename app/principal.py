"""Who is asking: one principal per request, resolved once and passed to the actions.

A page's principal is its browser session (a signed cookie holding an owner token, see
app.security). An API request's principal is the key in its ``Authorization: Bearer`` header,
never a cookie, so the pages' CSRF protection has nothing to protect there. Either way the
actions only see an owner hash: what that owner created is all it can reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import ServiceUnavailable

from app.extensions import db
from app.services import api_keys

# The owner of conversations opened by keyless legacy clients (LEGACY_API_AUTH=none). It is
# not 64 hex characters, so no browser's or key's owner token can ever hash to it.
LEGACY_PUBLIC_OWNER = "legacy:public"


@dataclass(frozen=True)
class Principal:
    """An owner hash (None: nobody yet) and how it was proven."""

    owner: str | None
    kind: str  # "session", "key", "legacy-public" or "anonymous"
    key_id: int | None = None

    @property
    def authenticated(self) -> bool:
        """True for a key, or a keyless legacy client the operator let in."""
        return self.kind in ("key", "legacy-public")

    @property
    def limit_key(self) -> str:
        """What rate limits count: the key, else the client's address."""
        if self.key_id is not None:
            return f"key:{self.key_id}"
        return f"addr:{request.remote_addr or 'unknown'}"


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header: "" for another scheme, None
    without the header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _resolve() -> Principal:
    token = bearer_token()
    if token is not None:
        key = api_keys.authenticate(token)
        if key is None:
            return Principal(None, "anonymous")
        return Principal(key.owner_hash, "key", key.id)
    if request.blueprint == "legacy" and current_app.config["LEGACY_API_AUTH"] == "none":
        return Principal(LEGACY_PUBLIC_OWNER, "legacy-public")
    return Principal(None, "anonymous")


def current() -> Principal:
    """This request's API principal, resolved on first use."""
    if "principal" not in g:
        g.principal = _resolve()
    return g.principal


def resolve_api_principal() -> None:
    """Resolve an API request's principal before anything else looks at it (the rate
    limiter's key function among them); a database that cannot say is 503, not a limiter
    storage error."""
    if not request.path.startswith("/api/"):
        return
    try:
        current()
    except SQLAlchemyError as exc:
        db.session.rollback()
        raise ServiceUnavailable() from exc


def init_app(app: Flask) -> None:
    """Register the resolution; call before the rate limiter registers its own check."""
    app.before_request(resolve_api_principal)


def limit_key() -> str:
    """Key function for Flask-Limiter: per API key, else per client address."""
    return current().limit_key
