"""Who may open a case: the browsers that own it, and one-time codes that add another."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class ConversationOwner(db.Model):
    """One browser session (by the hash of its owner token) that may open a case."""

    __tablename__ = "conversation_owners"
    # A browser owns a case once: the constraint, not a check, decides a double redeem.
    __table_args__ = (UniqueConstraint("conversation_id", "owner_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    owner_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TransferCode(db.Model):
    """A short-lived, single-use code that adds another browser as an owner of a case.

    Only the code's SHA-256 is stored; ``used_at`` is set once, by a conditional update.
    """

    __tablename__ = "transfer_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
