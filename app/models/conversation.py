"""A conversation owned by one browser session, and its messages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import new_public_id, str_enum, utcnow
from app.models.types import Encrypted

if TYPE_CHECKING:
    from app.models.access import ConversationOwner, TransferCode
    from app.models.api import ApiSession
    from app.models.document import Document


class Role(enum.StrEnum):
    """Who wrote a message."""

    USER = "user"
    ASSISTANT = "assistant"


class MessageStatus(enum.StrEnum):
    """Where a message is in its life: waiting for the model, being written, or finished.

    A reply only moves forward: pending -> streaming -> complete / partial / interrupted /
    error (pending may also end directly). Finished states never change again.
    """

    PENDING = "pending"
    STREAMING = "streaming"
    COMPLETE = "complete"
    PARTIAL = "partial"
    INTERRUPTED = "interrupted"
    ERROR = "error"


IN_FLIGHT = (MessageStatus.PENDING, MessageStatus.STREAMING)
FINISHED = (
    MessageStatus.COMPLETE,
    MessageStatus.PARTIAL,
    MessageStatus.INTERRUPTED,
    MessageStatus.ERROR,
)


class MessageKind(enum.StrEnum):
    """What a model message is for: a chat reply, drafting the letter, or revising its
    free text."""

    CHAT = "chat"
    DRAFT = "draft"
    REVISE = "revise"


DEFAULT_TITLE = "Nowa sprawa"


class Conversation(db.Model):
    """One person's case: the chat and the letter that comes out of it."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    topic: Mapped[str | None] = mapped_column(String(32))
    # The catalogue situation (a document type's key) or out-of-scope kind the case is about.
    situation: Mapped[str | None] = mapped_column(String(48))
    # Personal text is encrypted at rest (app/models/types.py, docs/security.md).
    title: Mapped[str] = mapped_column(Encrypted(), default=DEFAULT_TITLE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation",
        order_by="Message.id",
        cascade="all, delete-orphan",
    )
    document: Mapped[Document | None] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", uselist=False
    )
    # Loaded and deleted with the case by the ORM, so SQLite (which does not enforce foreign
    # keys here) loses them too.
    owners: Mapped[list[ConversationOwner]] = relationship(cascade="all, delete-orphan")
    transfer_codes: Mapped[list[TransferCode]] = relationship(cascade="all, delete-orphan")
    api_sessions: Mapped[list[ApiSession]] = relationship(cascade="all, delete-orphan")


class Message(db.Model):
    """One chat message, with the model's counters when it came from the model."""

    __tablename__ = "messages"
    # At most one generation per conversation: in_flight is True while a reply is pending or
    # streaming and NULL afterwards, and NULLs never collide in a unique index.
    __table_args__ = (
        UniqueConstraint("conversation_id", "in_flight", name="uq_messages_one_in_flight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role))
    content: Mapped[str] = mapped_column(Encrypted(long=True), default="")
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus), default=MessageStatus.COMPLETE, index=True
    )
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind), default=MessageKind.CHAT)
    in_flight: Mapped[bool | None] = mapped_column(Boolean)
    # The reply as safe HTML, rendered once when it is stored (None for the person's text).
    html: Mapped[str | None] = mapped_column(Encrypted(long=True))
    # What a revision was asked to do, and the version it made (JSON; None for other kinds).
    request: Mapped[str | None] = mapped_column(Encrypted())
    error_code: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(100))
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    load_ms: Mapped[int | None] = mapped_column(Integer)
    eval_ms: Mapped[int | None] = mapped_column(Integer)
    total_ms: Mapped[int | None] = mapped_column(Integer)
    wall_ms: Mapped[int | None] = mapped_column(Integer)
    ttft_ms: Mapped[int | None] = mapped_column(Integer)
    tokens_per_s: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
