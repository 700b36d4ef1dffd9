"""Whole cases: what a browser's list shows, and deleting cases at once and for good.

A case is deleted on request (one case, or every case of a browser) and after
RETENTION_DAYS without use (``Conversation.updated_at``, which the services bump on every
message, save and render). All three go through ``delete_case``, which:

1. stops the model turn in flight (a pending one ends at once; a streaming one is told to
   stop and given a moment to notice), so no job writes into the case afterwards;
2. deletes every row of the case in one transaction, children first: renders, versions,
   the letter, messages, transfer codes, owners, the conversation. The foreign keys cascade
   on MariaDB too, but SQLite (the embedded mode) does not enforce them, and bulk deletes
   never load a letter's text just to throw it away;
3. removes the PDF file of every render (a missing file is fine) before the commit, so a
   file that cannot be removed leaves the whole case in place to be deleted again rather
   than an orphaned file that nothing points to.

Jobs are enqueued without stored ids, so queued ones are not cancelled: a PDF or model job
whose row is gone ends quietly (``renders.run``, ``generation.run``), and a render that was
running removes the file it wrote when it finds its row gone.

A case with several owners (browsers added with a transfer code) is deleted for all of
them: the person asked for their data to be deleted, and it is the same data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import defer, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import (
    Conversation,
    ConversationOwner,
    Document,
    DocumentVersion,
    Message,
    Render,
    RenderStatus,
    TransferCode,
)
from app.models.base import utcnow
from app.services import generation, renders
from app.services.bus import Bus
from app.services.storage import StorageError

log = logging.getLogger(__name__)

# How long a deletion waits for a streaming model turn to notice that it was stopped.
STOP_WAIT_S = 2.0
# Cases the retention purge loads at a time.
PURGE_BATCH = 100


class CaseError(Exception):
    """A case that could not be deleted; ``code`` is delete_failed (a PDF file could not be
    removed, so nothing was deleted)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Deleted:
    """What a deletion removed: how many cases and how many PDF files."""

    cases: int = 0
    files: int = 0
    # A purge stopped at its deadline: more cases may be due, after the case id ``cursor``.
    more: bool = False
    cursor: int = 0

    def __add__(self, other: Deleted) -> Deleted:
        """Both deletions' counts together."""
        return Deleted(self.cases + other.cases, self.files + other.files)


@dataclass(frozen=True)
class CaseSummary:
    """One case in a browser's list: its letter's current version and whether its PDF is
    ready."""

    conversation: Conversation
    version: int | None
    pdf_ready: bool


def summaries(found: Sequence[Conversation]) -> list[CaseSummary]:
    """The state of each listed case, loading every letter with its versions (without their
    text) and renders in three queries, whatever the number of cases."""
    by_case: dict[int, Document] = {}
    if found:
        letters = db.session.scalars(
            select(Document)
            .where(Document.conversation_id.in_([case.id for case in found]))
            .options(
                selectinload(Document.versions).options(
                    defer(DocumentVersion.html), selectinload(DocumentVersion.renders)
                )
            )
        )
        by_case = {letter.conversation_id: letter for letter in letters}
    result = []
    for case in found:
        letter = by_case.get(case.id)
        # The case page reads conversation.document: give it the one just loaded.
        set_committed_value(case, "document", letter)
        current = letter.current if letter else None
        result.append(
            CaseSummary(
                conversation=case,
                version=current.number if current else None,
                pdf_ready=bool(current)
                and any(render.status == RenderStatus.DONE for render in current.renders),
            )
        )
    return result


def delete_case(
    conversation: Conversation, *, storage_dir: str, bus: Bus, stop_wait_s: float = STOP_WAIT_S
) -> Deleted:
    """Delete a case with everything in it and its PDF files (raises CaseError)."""
    _stop_turn(conversation, bus, stop_wait_s)
    case_id = conversation.id
    pdfs = db.session.execute(
        select(Render.public_id, Render.file_path)
        .join(DocumentVersion)
        .join(Document)
        .where(Document.conversation_id == case_id)
    ).all()
    letters = select(Document.id).where(Document.conversation_id == case_id)
    versions = select(DocumentVersion.id).where(DocumentVersion.document_id.in_(letters))
    for statement in (
        delete(Render).where(Render.version_id.in_(versions)),
        delete(DocumentVersion).where(DocumentVersion.document_id.in_(letters)),
        delete(Document).where(Document.conversation_id == case_id),
        delete(Message).where(Message.conversation_id == case_id),
        delete(TransferCode).where(TransferCode.conversation_id == case_id),
        delete(ConversationOwner).where(ConversationOwner.conversation_id == case_id),
        delete(Conversation).where(Conversation.id == case_id),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    # The rows are deleted but not committed: a render job finishing now waits for this
    # transaction, then finds its row gone and removes its own file.
    try:
        files = sum(renders.remove_file(storage_dir, *pdf) for pdf in pdfs)
    except (OSError, StorageError) as exc:
        db.session.rollback()
        log.exception("case %s: could not remove its PDF files; nothing deleted", case_id)
        raise CaseError("delete_failed") from exc
    db.session.commit()
    db.session.expunge(conversation)
    log.info("case %s deleted with %s PDF files", case_id, files)
    return Deleted(cases=1, files=files)


def delete_owned(owner: str | None, *, storage_dir: str, bus: Bus) -> Deleted:
    """Delete every case this browser owns, for every owner (raises CaseError; cases
    deleted before the failure stay deleted)."""
    if not owner:
        return Deleted()
    ids = db.session.scalars(
        select(ConversationOwner.conversation_id).where(ConversationOwner.owner_hash == owner)
    ).all()
    total = Deleted()
    for case_id in ids:
        case = db.session.get(Conversation, case_id)
        if case is not None:
            total += delete_case(case, storage_dir=storage_dir, bus=bus)
    return total


def purge_untouched(
    days: int,
    *,
    storage_dir: str,
    bus: Bus,
    now: datetime | None = None,
    until: float | None = None,
    after: int = 0,
) -> Deleted:
    """Delete the cases not used for ``days`` days (none when days is 0 or less).

    A case that cannot be deleted is logged and skipped; the next run tries it again. With
    ``until`` (a ``time.monotonic()`` deadline) it stops after the batch that passes it and
    marks the result ``more``, with the ``cursor`` to go on ``after``.
    """
    if days <= 0:
        return Deleted()
    cutoff = (now or utcnow()) - timedelta(days=days)
    total = Deleted()
    while True:
        ids = db.session.scalars(
            select(Conversation.id)
            .where(Conversation.updated_at < cutoff, Conversation.id > after)
            .order_by(Conversation.id)
            .limit(PURGE_BATCH)
        ).all()
        if not ids:
            return total
        for case_id in ids:
            after = case_id
            # Read afresh: the person may have come back since the batch was selected.
            case = db.session.get(Conversation, case_id, populate_existing=True)
            if case is None or case.updated_at >= cutoff:
                continue
            try:
                # Nothing of an untouched case can still be streaming: do not wait for it.
                total += delete_case(case, storage_dir=storage_dir, bus=bus, stop_wait_s=0)
            except CaseError:
                log.warning("case %s: retention purge could not delete it", case_id)
        db.session.commit()
        if until is not None and time.monotonic() >= until:
            return Deleted(total.cases, total.files, more=True, cursor=after)


def _stop_turn(conversation: Conversation, bus: Bus, wait_s: float) -> None:
    """Stop the case's model turn, if any, and give a streaming one time to end."""
    stopped = generation.stop(conversation, bus)
    if stopped is not None and wait_s > 0:
        generation.wait_finished(stopped, wait_s)
