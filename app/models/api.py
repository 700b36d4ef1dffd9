"""API keys (stored hashed) and the legacy clients' own session ids."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class ApiKey(db.Model):
    """A named, revocable key for the JSON API.

    Only the key's SHA-256 is stored; ``prefix`` (not secret) finds the row. ``active`` is True
    until the key is revoked and NULL afterwards, so a name is unique among live keys and can
    be used again once its key is revoked. Everything a key creates is owned by its
    ``owner_hash``, like a browser session's cases.
    """

    __tablename__ = "api_keys"
    __table_args__ = (UniqueConstraint("name", "active", name="uq_api_keys_live_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    owner_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool | None] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class ApiSession(db.Model):
    """A legacy client's ``session_id`` (by its hash) naming one conversation of one owner.

    The unique constraint, not a check, decides which of two racing first uses creates it.
    """

    __tablename__ = "api_sessions"
    __table_args__ = (UniqueConstraint("owner_hash", "session_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_hash: Mapped[str] = mapped_column(String(64))
    session_hash: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
