"""A PDF render of one document version."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import new_public_id, str_enum, utcnow
from app.models.types import Encrypted

if TYPE_CHECKING:
    from app.models.document import DocumentVersion


class RenderStatus(enum.StrEnum):
    """Where a render is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Render(db.Model):
    """A request to turn a document version into a PDF, and its outcome.

    A render only moves forward (queued -> running -> done / failed), by conditional updates.
    ``live`` is True while it is queued, running or done with its file, and NULL once it has
    failed or lost its file: the unique index on (version_id, live) lets a version have one
    live render, so a double click cannot make two.
    """

    __tablename__ = "renders"
    __table_args__ = (UniqueConstraint("version_id", "live", name="uq_renders_one_live"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RenderStatus] = mapped_column(
        str_enum(RenderStatus), default=RenderStatus.QUEUED
    )
    live: Mapped[bool | None] = mapped_column(Boolean, default=True)
    # Why it failed: may quote the letter, so encrypted at rest like it.
    error: Mapped[str | None] = mapped_column(Encrypted())
    file_path: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    pages: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    render_ms: Mapped[int | None] = mapped_column(Integer)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()

    version: Mapped[DocumentVersion] = relationship(back_populates="renders")

    @property
    def finished(self) -> bool:
        """True once the render has succeeded or failed."""
        return self.status in (RenderStatus.DONE, RenderStatus.FAILED)
