"""API keys: made random and shown once, stored as a hash, found by a non-secret prefix,
revoked with immediate effect.

A key looks like ``mkp_<12 hex: prefix>_<43 chars: secret>``. The prefix finds the row; the
whole key's SHA-256 is compared in constant time. Each key owns what it creates through its
own owner hash, the same way a browser session does.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ApiKey
from app.models.base import utcnow
from app.services.conversations import owner_hash

SCHEME = "mkp_"
PREFIX_HEX = 12
KEY_SHAPE = re.compile(r"^mkp_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$")
NAME_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# last_used_at is written at most this often per key, not on every request.
TOUCH_EVERY = timedelta(seconds=60)


class ApiKeyError(Exception):
    """A key that cannot be made or found: ``code`` is name_invalid, name_taken or not_found."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create(name: str) -> tuple[ApiKey, str]:
    """A new key with this name; returns the row and the key itself (shown once)."""
    if not NAME_SHAPE.match(name or ""):
        raise ApiKeyError("name_invalid")
    prefix = secrets.token_hex(PREFIX_HEX // 2)
    raw = f"{SCHEME}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=name,
        prefix=prefix,
        key_hash=_digest(raw),
        owner_hash=owner_hash(secrets.token_urlsafe(32)),
        active=True,
    )
    db.session.add(key)
    try:
        db.session.commit()
    except IntegrityError as exc:
        # The live-name constraint decides, not a check before the insert.
        db.session.rollback()
        raise ApiKeyError("name_taken") from exc
    return key, raw


def looks_like_key(value: str) -> bool:
    """True for a string shaped like one of our keys (used to refuse keys in query strings)."""
    return SCHEME in value


def authenticate(raw: str | None) -> ApiKey | None:
    """The live key this string is, or None; notes when it was last used."""
    found = KEY_SHAPE.match(raw or "")
    if not found:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == found.group(1)))
    if key is None or not hmac.compare_digest(key.key_hash, _digest(raw or "")):
        return None
    if not key.active:
        return None
    _touch(key)
    return key


def _touch(key: ApiKey) -> None:
    now = utcnow()
    if key.last_used_at is not None and now - key.last_used_at < TOUCH_EVERY:
        return
    db.session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key.id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
    )
    db.session.commit()


def is_live(key_id: int) -> bool:
    """Whether the key is still live (asked again while a long request runs)."""
    live = db.session.scalar(select(ApiKey.active).where(ApiKey.id == key_id))
    db.session.commit()
    return live is True


def revoke(name: str) -> ApiKey:
    """Revoke the live key with this name; from the next request on it is refused."""
    key = db.session.scalar(select(ApiKey).where(ApiKey.name == name, ApiKey.active.is_(True)))
    if key is None:
        raise ApiKeyError("not_found")
    moved = db.session.execute(
        update(ApiKey)
        .where(ApiKey.id == key.id, ApiKey.active.is_(True))
        .values(active=None, revoked_at=utcnow())
    )
    db.session.commit()
    if moved.rowcount != 1:
        raise ApiKeyError("not_found")
    db.session.refresh(key)
    return key


def all_keys() -> list[ApiKey]:
    """Every key, live and revoked, oldest first."""
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.id)))
