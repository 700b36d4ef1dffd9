"""Polish wording for the stable codes that services and actions use (one place, for pages,
fragments and the chat socket)."""

from __future__ import annotations

import json

from app import messages
from app.models import Message, MessageKind, MessageStatus
from app.services.conversations import MAX_MESSAGE_CHARS
from app.services.sanitize import MAX_INPUT_CHARS

ACTION_ERRORS = {
    "not_found": messages.NOT_FOUND,
    "message_empty": messages.MESSAGE_EMPTY,
    "message_too_long": messages.MESSAGE_TOO_LONG.format(limit=MAX_MESSAGE_CHARS),
    "busy": messages.TURN_BUSY,
    "renders_busy": messages.RENDERS_BUSY,
    "queue_full": messages.QUEUE_FULL,
    "needs_chat": messages.DRAFT_NEEDS_CHAT,
    "nothing_to_retry": messages.NOTHING_TO_RETRY,
    "rate_limited": messages.RATE_LIMITED,
    "csrf": messages.CSRF_FAILED,
    "bad_request": messages.BAD_REQUEST,
    "document_missing": messages.DOCUMENT_MISSING,
    "document_stale": messages.DOCUMENT_STALE,
    "document_too_large": messages.DOCUMENT_TOO_LARGE.format(limit=MAX_INPUT_CHARS),
    "document_too_complex": messages.DOCUMENT_TOO_COMPLEX,
    "document_too_deep": messages.DOCUMENT_TOO_DEEP,
    "document_empty": messages.DOCUMENT_EMPTY,
    "fields_invalid": messages.FIELDS_INVALID,
    "revise_needs_fields": messages.REVISE_NEEDS_FIELDS,
    "revise_bad_request": messages.REVISE_BAD_REQUEST,
    "transfer_invalid": messages.TRANSFER_INVALID,
    "situation_unknown": messages.SITUATION_UNKNOWN,
    "nothing_to_stop": messages.NOTHING_TO_STOP,
    "blanks_left": messages.API_BLANKS_LEFT,
    "render_not_ready": messages.API_RENDER_NOT_READY,
    "out_of_scope": messages.DRAFT_OUT_OF_SCOPE,
}
CHAT_FAILURES = {
    "unavailable": messages.LLM_UNAVAILABLE,
    "timeout": messages.LLM_TIMEOUT,
    "model_missing": messages.LLM_MODEL_MISSING,
    "failed": messages.LLM_FAILED,
    "lost": messages.LLM_LOST,
    "queue_down": messages.LLM_QUEUE_DOWN,
}
CHAT_CUTS = {
    "length": messages.REPLY_CUT_LENGTH,
    "stalled": messages.REPLY_STALLED,
    "deadline": messages.REPLY_DEADLINE,
    "timeout": messages.REPLY_STALLED,
}
DRAFT_FAILURES = {
    "unavailable": messages.DRAFT_UNAVAILABLE,
    "timeout": messages.DRAFT_TIMEOUT,
    "stalled": messages.DRAFT_TIMEOUT,
    "deadline": messages.DRAFT_TIMEOUT,
    "model_missing": messages.DRAFT_MODEL_MISSING,
    "failed": messages.DRAFT_FAILED,
    "bad_output": messages.DRAFT_BAD_OUTPUT,
    "length": messages.DRAFT_BAD_OUTPUT,
    "stale": messages.DRAFT_STALE,
    "lost": messages.LLM_LOST,
    "queue_down": messages.LLM_QUEUE_DOWN,
}

DRAFT_ENDINGS = {
    "fields_missing": messages.DRAFT_READY_MISSING,
    "out_of_scope": messages.DRAFT_OUT_OF_SCOPE,
    "no_situation": messages.DRAFT_NO_SITUATION,
}


def _revise_note(message: Message) -> str:
    if message.status == MessageStatus.COMPLETE:
        if message.error_code == "unchanged":
            return messages.REVISE_UNCHANGED
        return messages.REVISE_READY
    if message.status == MessageStatus.INTERRUPTED:
        return messages.REVISE_STOPPED
    if message.error_code == "stale":
        return messages.REVISE_STALE
    if message.error_code in ("revise_needs_fields", "revise_bad_request"):
        return ACTION_ERRORS[message.error_code]
    return messages.REVISE_FAILED


def revision_version(message: Message) -> int | None:
    """The version a finished revision made (for its "compare" link), if any."""
    if message.kind != MessageKind.REVISE or not message.request:
        return None
    try:
        number = json.loads(message.request).get("version")
    except ValueError:
        return None
    return number if isinstance(number, int) else None


def action_error(code: str) -> str:
    """What to tell the person when an action was refused."""
    return ACTION_ERRORS.get(code, messages.BAD_REQUEST)


def reply_note(message: Message) -> str | None:
    """The sentence shown under a finished reply that did not end normally (None if it did)."""
    if message.kind == MessageKind.REVISE:
        return _revise_note(message)
    if message.kind == MessageKind.DRAFT:
        if message.status == MessageStatus.COMPLETE:
            return DRAFT_ENDINGS.get(message.error_code or "", messages.DRAFT_READY)
        if message.status == MessageStatus.INTERRUPTED:
            return messages.DRAFT_STOPPED
        return DRAFT_FAILURES.get(message.error_code or "", messages.DRAFT_FAILED)
    if message.status == MessageStatus.ERROR:
        return CHAT_FAILURES.get(message.error_code or "", messages.LLM_FAILED)
    if message.status == MessageStatus.INTERRUPTED:
        return messages.REPLY_STOPPED
    if message.status == MessageStatus.PARTIAL:
        return CHAT_CUTS.get(message.error_code or "", messages.REPLY_BROKE_OFF)
    return None


def writing_note(message: Message) -> str:
    """What a turn says while the model writes it."""
    if message.kind == MessageKind.REVISE:
        return messages.REVISE_WORKING
    return messages.DRAFT_WORKING if message.kind == MessageKind.DRAFT else messages.REPLY_WRITING


def waiting_note(message: Message, ahead: int) -> str:
    """What an unfinished turn says while it waits for the model or is written."""
    if message.status == MessageStatus.PENDING:
        return messages.REPLY_QUEUED.format(ahead=ahead) if ahead else messages.REPLY_WAITING
    return writing_note(message)


def field_error(code: str) -> str:
    """What to tell the person about one field that cannot be accepted."""
    return messages.FIELD_ERRORS.get(code, messages.FIELD_ERRORS["bad_value"])


RESTORE_ERRORS = {"document_stale": messages.VERSION_RESTORE_STALE}


def restore_error(code: str) -> str:
    """What to tell the person when restoring a version was refused."""
    return RESTORE_ERRORS.get(code) or action_error(code)
