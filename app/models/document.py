"""The letter of a conversation and its versions (every save is a new version)."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import new_public_id, str_enum, utcnow
from app.models.types import Encrypted

if TYPE_CHECKING:
    from app.models.conversation import Conversation
    from app.models.render import Render


class VersionAuthor(enum.StrEnum):
    """Who made a version of a document."""

    PERSON = "person"
    MODEL = "model"
    TEMPLATE = "template"


class Document(db.Model):
    """The letter being prepared in a conversation."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    # Personal text is encrypted at rest (app/models/types.py, docs/security.md).
    title: Mapped[str] = mapped_column(Encrypted(), default="Pismo")
    signatory: Mapped[str | None] = mapped_column(Encrypted())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="document")
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        order_by="DocumentVersion.number",
        cascade="all, delete-orphan",
    )

    @property
    def current(self) -> DocumentVersion | None:
        """The newest version, or None for a document that has none yet."""
        return self.versions[-1] if self.versions else None


class DocumentVersion(db.Model):
    """One saved state of a document's sanitized HTML."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    author: Mapped[VersionAuthor] = mapped_column(str_enum(VersionAuthor))
    html: Mapped[str] = mapped_column(Encrypted(long=True))
    # The catalogue document and the fields this version was made from (NULL for a letter
    # written or edited as a whole text).
    doc_type: Mapped[str | None] = mapped_column(String(48))
    fields_json: Mapped[str | None] = mapped_column("fields", Encrypted(long=True))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")

    @property
    def fields(self) -> dict[str, str]:
        """The fields this version was made from ({} for a whole-text version)."""
        return json.loads(self.fields_json) if self.fields_json else {}

    renders: Mapped[list[Render]] = relationship(
        back_populates="version", cascade="all, delete-orphan"
    )
