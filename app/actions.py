"""The application's actions, one way in for every transport.

Pages (form posts), htmx requests and the chat socket all call these functions with the
owner they resolved; each loads what the owner may touch, calls the services and starts the
jobs. Failures are ``ActionError`` with a stable code that each adapter words for its
audience (``app.wording`` for people).
"""

from __future__ import annotations

from flask import current_app

from app import clients
from app.models import Conversation, DocumentVersion, Message, Render
from app.services import conversations, documents, generation
from app.services.sanitize import SanitizeError
from app.tasks import enqueue_turn, queue_render


class ActionError(Exception):
    """An action that could not be done; ``code`` is stable (not_found, message_empty,
    message_too_long, busy, queue_full, needs_chat, nothing_to_retry, document_missing,
    document_stale, document_too_large, document_too_complex, document_too_deep,
    document_empty)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def conversation_of(owner: str | None, public_id: str) -> Conversation:
    """The owner's conversation with this public id; anything else is not_found."""
    conversation = conversations.get_owned(public_id, owner)
    if conversation is None:
        raise ActionError("not_found")
    return conversation


def _limits() -> generation.TurnLimits:
    return generation.TurnLimits.from_config(current_app.config)


def _started(start, conversation: Conversation, *args: object) -> Message:  # type: ignore[no-untyped-def]
    try:
        message = start(conversation, *args, _limits())
    except generation.TurnError as exc:
        raise ActionError(exc.code) from exc
    return enqueue_turn(message)


def send_message(conversation: Conversation, text: str | None) -> Message:
    """Store the person's message and start the model's reply; returns the pending reply."""
    try:
        clean = conversations.clean_message(text)
    except conversations.InputError as exc:
        raise ActionError(exc.code) from exc
    return _started(generation.start_chat, conversation, clean)


def retry(conversation: Conversation) -> Message:
    """Ask the model again for the person's last unanswered message."""
    return _started(generation.start_retry, conversation)


def draft(conversation: Conversation) -> Message:
    """Start drafting the letter from the conversation."""
    return _started(generation.start_draft, conversation)


def release_lost(conversation: Conversation) -> None:
    """End the conversation's turns whose job vanished, so the page stops waiting for them."""
    limits = _limits()
    generation.release_lost(conversation, limits.deadline_s + generation.LOST_GRACE_S)


def stop(conversation: Conversation) -> Message | None:
    """Stop the conversation's turn; None when nothing was being generated."""
    return generation.stop(conversation, clients.bus())


def save_letter(conversation: Conversation, text: str, base_number: int) -> DocumentVersion | None:
    """Save the person's edit as a new version; None when it changes nothing."""
    try:
        return documents.save_edit(conversation, text, base_number)
    except (SanitizeError, documents.StaleVersionError) as exc:
        raise ActionError(exc.code) from exc


def render_current(conversation: Conversation) -> Render:
    """The PDF render of the letter's current version (an existing one is reused)."""
    current = conversation.document.current if conversation.document else None
    if current is None:
        raise ActionError("document_missing")
    return queue_render(current)
