"""PDF renders: recording a request, running it, and noticing the ones that died."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
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
from app.observability import metrics
from app.services import conversations, filenames, pdf, storage
from app.services.dates import in_poland

log = logging.getLogger(__name__)


# What a hostile or broken letter can make WeasyPrint raise: the render fails for good (a
# retry would fail the same way). Anything else (the job's time limit, memory, a crash)
# reaches the queue, whose retry policy decides.
DOCUMENT_ERRORS = (
    ArithmeticError,
    AssertionError,
    AttributeError,
    LookupError,
    OSError,
    RecursionError,
    TypeError,
    ValueError,
)
UNFINISHED = (RenderStatus.QUEUED, RenderStatus.RUNNING)

# Why a render failed, stored in ``error`` (a broken letter adds ": detail"): stable codes
# that the API returns and user_error words.
TIMED_OUT = "timed_out"  # its last attempt ran past PDF_JOB_TIMEOUT
KILLED = "killed"  # the process rendering it died (killed, out of memory, crashed)
MEMORY = "memory"  # its last attempt reached PDF_MEMORY_LIMIT_MB
LOST = "lost"  # its job vanished (Redis emptied, worker gone) and it never finished
QUEUE_DOWN = "queue_unavailable"  # the queue could not be reached to start it
BROKEN = "render_failed"  # the letter cannot be rendered (or another error)
CODES = (TIMED_OUT, KILLED, MEMORY, LOST, QUEUE_DOWN, BROKEN)
# A queued render may wait this many running deadlines (2 × PDF_JOB_TIMEOUT + 60 s) for its
# turn before it is declared lost: an hour with the defaults.
QUEUED_PATIENCE = 12
# Rows written before the codes existed.
OLD_ERRORS = {"timed out": LOST, "queue unavailable": QUEUE_DOWN}


def live_render(version: DocumentVersion) -> Render | None:
    """The version's live render (queued, running, or done with its file), if any."""
    return db.session.scalar(
        select(Render).where(Render.version_id == version.id, Render.live.is_(True))
    )


def create(version: DocumentVersion) -> tuple[Render, bool]:
    """Record a queued render of this version; returns it and whether it is new.

    The unique index on (version_id, live) decides a double click: the second insert fails
    and gets the first one's render (its job is enqueued once, by the first).
    """
    conversation = version.document.conversation
    render = Render(version=version, status=RenderStatus.QUEUED, live=True)
    try:
        db.session.add(render)
        conversations.touch(conversation)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = live_render(version)
        if existing is None:
            raise
        return existing, False
    return render, True


def reusable(
    version: DocumentVersion,
    storage_dir: str,
    deadline_seconds: int,
    alive: Callable[[Render], bool],
) -> Render | None:
    """The version's live render if it is worth showing instead of a new one: done with its
    file on disk, or queued or running with its job still alive and not past the deadline.

    A stuck render (its job vanished) is failed as lost, and a done one whose file is gone
    is retired, so that a new one can be made at once.
    """
    render = live_render(version)
    if render is None:
        return None
    if render.status == RenderStatus.DONE:
        if render.file_path and storage.resolve(storage_dir, render.file_path).is_file():
            return render
    elif not reconcile(render, deadline_seconds).finished:
        if alive(render):
            return render
        mark_failed(render, LOST)
    _retire(render)
    return None


def _retire(render: Render) -> None:
    """A render that is no longer worth showing (its file vanished, or it failed) stops
    being the version's live render."""
    db.session.execute(
        update(Render).where(Render.id == render.id, Render.live.is_(True)).values(live=None)
    )
    db.session.commit()
    db.session.refresh(render)


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


def in_flight_for(owner: str) -> int:
    """How many renders of this owner's cases are queued or running."""
    return (
        db.session.scalar(
            select(func.count(Render.id))
            .join(DocumentVersion)
            .join(Document)
            .join(ConversationOwner, ConversationOwner.conversation_id == Document.conversation_id)
            .where(ConversationOwner.owner_hash == owner, Render.status.in_(UNFINISHED))
        )
        or 0
    )


def unfinished(limit: int = 500) -> list[Render]:
    """The oldest renders still queued or running (for reconciliation)."""
    return list(
        db.session.scalars(
            select(Render).where(Render.status.in_(UNFINISHED)).order_by(Render.id).limit(limit)
        )
    )


def fail_by_id(render_id: int, error: str) -> bool:
    """Fail the render with this id if it is still queued or running (a job's last
    attempt failed); True when this call failed it."""
    render = db.session.get(Render, render_id)
    return render is not None and mark_failed(render, error)


def mark_failed(render: Render, error: str) -> bool:
    """Fail a render that is still queued or running, with the reason for the logs and the
    page; a finished one never changes. True when this call failed it."""
    moved = db.session.execute(
        update(Render)
        .where(Render.id == render.id, Render.status.in_(UNFINISHED))
        .values(status=RenderStatus.FAILED, live=None, error=error[:2000], finished_at=utcnow())
    )
    db.session.commit()
    db.session.refresh(render)
    return moved.rowcount == 1


def reconcile(render: Render, deadline_seconds: int) -> Render:
    """Fail a render running longer than any job may take, or queued for QUEUED_PATIENCE
    times that (a long queue behind slow letters must not fail renders still waiting
    their turn; one whose job vanished is enqueued again long before).

    A killed worker leaves no trace in Redis that we can trust, so the database row is
    the record: past the deadline, the render is failed and the person can try again.
    """
    if render.finished:
        return render
    if render.status == RenderStatus.QUEUED:
        since, limit = render.queued_at, deadline_seconds * QUEUED_PATIENCE
    else:
        since, limit = render.started_at or render.queued_at, deadline_seconds
    if utcnow() - since > timedelta(seconds=limit) and mark_failed(render, LOST):
        metrics.reconciled("render_lost")
    return render


def expire_files(storage_dir: str, days: int, batch: int = 500) -> int:
    """Delete the PDFs of renders finished more than ``days`` days ago (the case and its
    letter stay; asking for the PDF again makes a new one). 0 days keeps them. Returns how
    many files were deleted."""
    if days <= 0:
        return 0
    cutoff = utcnow() - timedelta(days=days)
    old = db.session.scalars(
        select(Render)
        .where(
            Render.status == RenderStatus.DONE,
            Render.file_path.is_not(None),
            Render.finished_at < cutoff,
        )
        .limit(batch)
    ).all()
    removed = 0
    for render in old:
        expired = db.session.execute(
            update(Render)
            .where(Render.id == render.id, Render.file_path == render.file_path)
            .values(file_path=None, live=None)
        )
        db.session.commit()
        if expired.rowcount == 1:
            removed += remove_file(storage_dir, render.public_id, render.file_path)
    return removed


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
    started = time.monotonic()
    outcome = "error"  # an exception escaped (the job's time limit, memory, a crash)
    try:
        outcome = _run(render, storage_dir)
    except (StaleDataError, ObjectDeletedError):
        db.session.rollback()
        remove_file(storage_dir, public_id)
        log.info("render %s: its case was deleted while it ran", public_id)
        outcome = "deleted"
    finally:
        metrics.render_finished(outcome, time.monotonic() - started)


def _run(render: Render, storage_dir: str) -> str:
    """Claim, render, record; returns the outcome (done, failed, superseded, deleted)."""
    claimed = db.session.execute(
        update(Render)
        .where(Render.id == render.id, Render.status.in_(UNFINISHED))
        .values(status=RenderStatus.RUNNING, started_at=utcnow())
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return "superseded"  # failed meanwhile (past its deadline, or the queue was down)
    db.session.refresh(render)
    version = render.version
    document = version.document
    try:
        result = pdf.render_letter(
            version.html,
            title=pdf.heading_of(version.html) or document.title,
            author=document.signatory or "mikroporada",
        )
    except DOCUMENT_ERRORS as exc:
        log.exception("render %s failed", render.public_id)
        db.session.rollback()
        mark_failed(render, f"{BROKEN}: {type(exc).__name__}: {exc}")
        return "failed"
    # Outside the letter's errors: a full or unwritable disk reaches the queue and its retry.
    relative = storage.render_path(render.public_id)
    storage.write_encrypted(storage_dir, relative, result.data)
    done = db.session.execute(
        update(Render)
        .where(Render.id == render.id, Render.status == RenderStatus.RUNNING)
        .values(
            status=RenderStatus.DONE,
            file_path=relative,
            size_bytes=len(result.data),
            pages=result.pages,
            sha256=hashlib.sha256(result.data).hexdigest(),
            render_ms=result.render_ms,
            finished_at=utcnow(),
        )
    )
    db.session.commit()
    if done.rowcount == 1:
        db.session.refresh(render)
        return "done"
    now = db.session.scalar(select(Render.status).where(Render.id == render.id))
    if now != RenderStatus.DONE:
        # Failed meanwhile (past its deadline), or its case deleted: its file goes. (Done
        # meanwhile, by a second job of the same render, keeps the file both wrote.)
        remove_file(storage_dir, render.public_id)
    return "deleted" if now is None else "superseded"


def error_code(render: Render) -> str:
    """A stable code for why a render failed (one of CODES)."""
    error = render.error or ""
    if error in OLD_ERRORS:
        return OLD_ERRORS[error]
    code = error.split(":", 1)[0]
    return code if code in CODES else BROKEN


USER_ERRORS = {
    TIMED_OUT: messages.RENDER_TIMED_OUT,
    KILLED: messages.RENDER_KILLED,
    MEMORY: messages.RENDER_TOO_BIG,
    LOST: messages.RENDER_LOST,
    QUEUE_DOWN: messages.RENDER_QUEUE_DOWN,
    BROKEN: messages.RENDER_FAILED,
}


def user_error(render: Render) -> str:
    """The Polish explanation for a failed render."""
    return USER_ERRORS[error_code(render)]


def download_name(render: Render) -> str:
    """The PDF's file name: its title (as in the PDF's metadata) and the letter's date."""
    version = render.version
    title = pdf.heading_of(version.html) or version.document.title
    return filenames.pdf_filename(title, in_poland(version.created_at).date())
