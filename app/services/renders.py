"""PDF renders: recording a request, running it, and noticing the ones that died."""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from app import messages
from app.extensions import db
from app.models import (
    Conversation,
    ConversationOwner,
    Document,
    DocumentVersion,
    Render,
    RenderStatus,
)
from app.models.base import utcnow
from app.services import conversations, filenames, pdf, storage
from app.services.dates import in_poland

log = logging.getLogger(__name__)


def create(version: DocumentVersion) -> Render:
    """Record a queued render of this version and commit it (the job is enqueued after)."""
    render = Render(version=version, status=RenderStatus.QUEUED)
    db.session.add(render)
    conversations.touch(version.document.conversation)
    db.session.commit()
    return render


def reusable(version: DocumentVersion, storage_dir: str, deadline_seconds: int) -> Render | None:
    """A render of exactly this version worth showing instead of a new one: finished with
    its file still on disk, or queued or running and not yet past the deadline."""
    for render in reversed(version.renders):
        if render.status == RenderStatus.DONE and render.file_path:
            if storage.resolve(storage_dir, render.file_path).is_file():
                return render
        elif not reconcile(render, deadline_seconds).finished:
            return render
    return None


def get_owned(conversation: Conversation, public_id: str) -> Render | None:
    """The render with this public id if it belongs to this conversation's document."""
    document = conversation.document
    if document is None or not public_id or len(public_id) > 32:
        return None
    return db.session.scalar(
        select(Render)
        .join(DocumentVersion)
        .where(Render.public_id == public_id, DocumentVersion.document_id == document.id)
    )


def get_for_owner(owner: str | None, public_id: str) -> Render | None:
    """The render with this public id if its case belongs to this owner."""
    if not owner or not public_id or len(public_id) > 32:
        return None
    return db.session.scalar(
        select(Render)
        .join(DocumentVersion)
        .join(Document)
        .join(ConversationOwner, ConversationOwner.conversation_id == Document.conversation_id)
        .where(Render.public_id == public_id, ConversationOwner.owner_hash == owner)
    )


def wait_finished(render: Render, timeout: float, deadline_seconds: int) -> Render:
    """Poll the row until the render has finished (or is failed as past its deadline), at
    most ``timeout`` seconds."""
    give_up = time.monotonic() + timeout
    while True:
        db.session.refresh(render)
        reconcile(render, deadline_seconds)
        db.session.commit()
        if render.finished or time.monotonic() >= give_up:
            return render
        time.sleep(0.5)


def mark_failed(render: Render, error: str) -> None:
    """Record that a render failed, with the reason for the logs and the page."""
    render.status = RenderStatus.FAILED
    render.error = error[:2000]
    render.finished_at = utcnow()
    db.session.commit()


def reconcile(render: Render, deadline_seconds: int) -> Render:
    """Fail a render that has been queued or running longer than any job may take.

    A killed worker leaves no trace in Redis that we can trust, so the database row is
    the record: past the deadline, the render is failed and the person can try again.
    """
    if render.finished:
        return render
    since = render.started_at or render.queued_at
    if utcnow() - since > timedelta(seconds=deadline_seconds):
        mark_failed(render, "timed out")
    return render


def remove_file(storage_dir: str, public_id: str, file_path: str | None = None) -> bool:
    """Delete a render's PDF from disk (its recorded path and the path it would be written
    to); a missing file is fine. True when a file was removed."""
    relatives = {storage.render_path(public_id)}
    if file_path:
        relatives.add(file_path)
    removed = False
    for relative in relatives:
        path = storage.resolve(storage_dir, relative)
        if path.is_file():
            path.unlink(missing_ok=True)
            removed = True
    return removed


def run(render_id: int, storage_dir: str) -> None:
    """Render the PDF of a queued render and record the outcome on its row.

    A render whose case is deleted meanwhile ends quietly: before it starts (no row), or
    while it runs (the row vanished under it), when the file it wrote is removed again.
    """
    render = db.session.get(Render, render_id)
    if render is None or render.finished:
        return
    public_id = render.public_id
    try:
        _run(render, storage_dir)
    except (StaleDataError, ObjectDeletedError):
        db.session.rollback()
        remove_file(storage_dir, public_id)
        log.info("render %s: its case was deleted while it ran", public_id)


def _run(render: Render, storage_dir: str) -> None:
    render.status = RenderStatus.RUNNING
    render.started_at = utcnow()
    db.session.commit()
    version = render.version
    document = version.document
    try:
        result = pdf.render_letter(
            version.html,
            title=pdf.heading_of(version.html) or document.title,
            author=document.signatory or "mikroporada",
        )
        relative = storage.render_path(render.public_id)
        storage.write_atomic(storage_dir, relative, result.data)
    except Exception as exc:  # any failure must end on the row, not only in a log
        log.exception("render %s failed", render.public_id)
        db.session.rollback()
        mark_failed(render, f"{type(exc).__name__}: {exc}")
        return
    render.status = RenderStatus.DONE
    render.file_path = relative
    render.size_bytes = len(result.data)
    render.pages = result.pages
    render.sha256 = hashlib.sha256(result.data).hexdigest()
    render.render_ms = result.render_ms
    render.finished_at = utcnow()
    db.session.commit()


def error_code(render: Render) -> str:
    """A stable code for why a render failed (timed_out, queue_unavailable, render_failed)."""
    if render.error == "timed out":
        return "timed_out"
    if render.error == "queue unavailable":
        return "queue_unavailable"
    return "render_failed"


def user_error(render: Render) -> str:
    """The Polish explanation for a failed render."""
    if render.error == "timed out":
        return messages.RENDER_TIMED_OUT
    if render.error == "queue unavailable":
        return messages.RENDER_QUEUE_DOWN
    return messages.RENDER_FAILED


def download_name(render: Render) -> str:
    """The PDF's file name: its title (as in the PDF's metadata) and the letter's date."""
    version = render.version
    title = pdf.heading_of(version.html) or version.document.title
    return filenames.pdf_filename(title, in_poland(version.created_at).date())
