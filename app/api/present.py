"""How the API shows the models: plain JSON-ready dicts in the shapes of app.api.schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from app import wording
from app.legal.documents import document_type
from app.models import (
    IN_FLIGHT,
    Conversation,
    DocumentVersion,
    Message,
    MessageKind,
    MessageStatus,
    Render,
    RenderStatus,
)
from app.services import case_deadlines, documents, letters, redline, renders
from app.services.dates import today_in_poland

ENDED_EARLY = (MessageStatus.ERROR, MessageStatus.PARTIAL, MessageStatus.INTERRUPTED)


def when(moment: datetime | None) -> str | None:
    """A stored naive-UTC time as ISO 8601 with its zone."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def conversation(item: Conversation, busy: bool | None = None) -> dict[str, Any]:
    """A conversation without its messages (lists)."""
    if busy is None:
        busy = any(message.status in IN_FLIGHT for message in item.messages)
    return {
        "id": item.public_id,
        "title": item.title,
        "topic": item.topic,
        "situation": item.situation,
        "busy": busy,
        "created_at": when(item.created_at),
        "updated_at": when(item.updated_at),
        "url": url_for("api.get_conversation", cid=item.public_id),
    }


def conversation_detail(item: Conversation) -> dict[str, Any]:
    """A conversation with its messages, its letter and its deadline."""
    prefix = url_for("api.list_messages", cid=item.public_id)
    shown = [message(item, m, prefix) for m in item.messages]
    return {
        **conversation(item, busy=any(m["status"] in ("pending", "streaming") for m in shown)),
        "messages": shown,
        "document": document(item),
        "deadline": deadline(item),
    }


def message(owner: Conversation, item: Message, prefix: str | None = None) -> dict[str, Any]:
    """One message; a reply says why it ended early, and a draft or revision what it did.

    ``prefix`` is the messages' URL when the caller shows many (one url_for, not one each).
    """
    note = wording.reply_note(item) if item.status not in IN_FLIGHT else None
    problem = None
    if item.status in ENDED_EARLY and item.role.value == "assistant":
        problem = {"code": item.error_code or item.status.value, "message": note or ""}
        note = None
    elif item.kind == MessageKind.CHAT:
        note = None
    return {
        "id": item.id,
        "role": item.role.value,
        "kind": item.kind.value,
        "status": item.status.value,
        "content": item.content,
        "problem": problem,
        "note": note,
        "created_at": when(item.created_at),
        "finished_at": when(item.finished_at),
        "url": f"{prefix}/{item.id}"
        if prefix
        else url_for("api.get_message", cid=owner.public_id, mid=item.id),
    }


def version_summary(owner: Conversation, item: DocumentVersion) -> dict[str, Any]:
    """A version without its letter (lists)."""
    return {
        "number": item.number,
        "author": item.author.value,
        "type": item.doc_type,
        "created_at": when(item.created_at),
        "url": url_for("api.get_version", cid=owner.public_id, number=item.number),
    }


def version(owner: Conversation, item: DocumentVersion) -> dict[str, Any]:
    """A version with its letter, its fields and the blanks left in it."""
    found = letters.blanks(item.html, letters.placeholders(document_type(item.doc_type)))
    return {
        **version_summary(owner, item),
        "html": item.html,
        "fields": item.fields,
        "blanks": found,
    }


def document(owner: Conversation) -> dict[str, Any] | None:
    """The letter: its title, type, number of versions and the current one in full."""
    letter = owner.document
    if letter is None:
        return None
    current = letter.current
    return {
        "id": letter.public_id,
        "title": letter.title,
        "type": current.doc_type if current else None,
        "versions": len(letter.versions),
        "current": version(owner, current) if current else None,
    }


def deadline(owner: Conversation) -> dict[str, Any] | None:
    """The case's own deadline, computed from its fields as on the case page."""
    kind = documents.case_document(owner)
    found = case_deadlines.for_case(kind, documents.case_fields(owner), today_in_poland())
    if found is None:
        return None
    computed = found.deadline
    return {
        "last_day": computed.last_day.isoformat() if computed else None,
        "days_left": found.days_left,
        "rule": case_deadlines.rule_text(found.rule) if found.rule else None,
        "basis": found.spec.basis,
        "whose": found.spec.whose.value,
        "waiting_for": found.spec.event_field if computed is None else None,
    }


def render(owner: Conversation, item: Render) -> dict[str, Any]:
    """A render's state, and where its PDF is once it is done."""
    failed = item.status == RenderStatus.FAILED
    done = item.status == RenderStatus.DONE
    return {
        "id": item.public_id,
        "version": item.version.number,
        "status": item.status.value,
        "problem": {"code": renders.error_code(item), "message": renders.user_error(item)}
        if failed
        else None,
        "pages": item.pages,
        "size_bytes": item.size_bytes,
        "sha256": item.sha256,
        "queued_at": when(item.queued_at),
        "finished_at": when(item.finished_at),
        "url": url_for("api.get_render", cid=owner.public_id, rid=item.public_id),
        "pdf_url": url_for("api.render_pdf", cid=owner.public_id, rid=item.public_id)
        if done
        else None,
    }


def _piece_text(piece: redline.Piece) -> str:
    out = []
    for number, token in enumerate(piece.tokens):
        if token.text == redline.LINE_BREAK:
            out.append("\n")
            continue
        if token.space and number:
            out.append(" ")
        out.append(token.text)
    return "".join(out)


def comparison(compared: Any) -> dict[str, Any]:
    """Two versions compared word by word (an actions.VersionComparison)."""
    found = compared.redline
    return {
        "from_version": compared.old.number,
        "to_version": compared.new.number,
        "changed": found.changed,
        "words_added": found.words_added,
        "words_removed": found.words_removed,
        "blocks": [
            [{"kind": piece.kind, "text": _piece_text(piece)} for piece in block.pieces]
            for block in found.blocks
        ],
        "html": str(compared.html),
    }
