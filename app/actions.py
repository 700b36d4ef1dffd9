"""The application's actions, one way in for every transport.

Pages (form posts), htmx requests and the chat socket all call these functions with the
owner they resolved; each loads what the owner may touch, calls the services and starts the
jobs. Failures are ``ActionError`` with a stable code that each adapter words for its
audience (``app.wording`` for people).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from flask import current_app
from markupsafe import Markup

from app import clients, principal
from app.legal.documents import DocumentType, document_type
from app.legal.scope import Refusal, refusal, refusal_for_fields
from app.models import IN_FLIGHT, Conversation, DocumentVersion, Message, Render, VersionAuthor
from app.security import current_owner
from app.services import (
    api_sessions,
    cases,
    conversations,
    documents,
    fields,
    generation,
    letters,
    redline,
    revising,
)
from app.services.dates import today_in_poland
from app.services.sanitize import SanitizeError, sanitize_letter
from app.tasks import RendersBusy, enqueue_turn, queue_render


class ActionError(Exception):
    """An action that could not be done; ``code`` is stable (not_found, message_empty,
    message_too_long, busy, queue_full, needs_chat, nothing_to_retry, document_missing,
    document_stale, document_too_large, document_too_complex, document_too_deep,
    document_empty)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class FieldsRejected(ActionError):
    """Some fields cannot be accepted (code fields_invalid); ``errors`` maps field to code."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("fields_invalid")
        self.errors = errors


class OutOfScope(ActionError):
    """The case is beyond the product (code out_of_scope); ``refusal`` says which kind."""

    def __init__(self, refused: Refusal) -> None:
        super().__init__("out_of_scope")
        self.refusal = refused


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
    return _started(generation.start_chat, conversation, _clean(text))


def start_with_message(owner: str, topic: str | None, text: str) -> Conversation:
    """A new case with the person's first message and its reply on the way; a refused
    message leaves no case behind."""
    _clean(text)
    conversation = conversations.start(owner, topic)
    try:
        send_message(conversation, text)
    except ActionError:
        cases.delete_case(
            conversation, storage_dir=current_app.config["STORAGE_DIR"], bus=clients.bus()
        )
        raise
    return conversation


def chat_in_session(owner: str, session_id: str, text: str) -> Message:
    """A message in the conversation a client's own session id names (legacy /api/chat),
    checked before that conversation is made."""
    _clean(text)
    return send_message(api_sessions.conversation_for(owner, session_id), text)


def render_in_session(owner: str, session_id: str, html: str) -> Render:
    """Keep HTML as the next version of the session's letter and render it (legacy
    /api/generate-pdf), checked before that conversation is made."""
    try:
        sanitize_letter(html)
    except SanitizeError as exc:
        raise ActionError(exc.code) from exc
    conversation = api_sessions.conversation_for(owner, session_id)
    current = conversation.document.current if conversation.document else None
    save_letter(conversation, html, current.number if current else 0)
    return render_version(conversation, None, blanks_ok=True)


def _clean(text: str | None) -> str:
    try:
        return conversations.clean_message(text)
    except conversations.InputError as exc:
        raise ActionError(exc.code) from exc


def retry(conversation: Conversation) -> Message:
    """Ask the model again for the person's last unanswered message."""
    return _started(generation.start_retry, conversation)


def draft(conversation: Conversation) -> Message:
    """Start drafting the letter from the conversation."""
    return _started(generation.start_draft, conversation)


def revise(conversation: Conversation, target: str, how: str, fact: str = "") -> Message:
    """Start revising one paragraph of the letter's free text, or all of it."""
    try:
        revision = revising.check(conversation, target, how, fact)
    except revising.RevisionError as exc:
        raise ActionError(exc.code) from exc
    return _started(generation.start_revise, conversation, revision.to_json())


def release_lost(conversation: Conversation) -> None:
    """End the conversation's turns whose job vanished, so the page stops waiting for them.

    Reads of a case without a turn in flight (most of them) write nothing.
    """
    if not any(message.status in IN_FLIGHT for message in conversation.messages):
        return
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
    return _queue_render(current)


def _queue_render(version: DocumentVersion) -> Render:
    """Queue a render, within the budget of renders in flight of whoever asks (a browser
    session or an API key; keyless legacy clients are held by their rate limit instead)."""
    who = principal.current()
    owner = who.owner if who.kind == "key" else current_owner()
    try:
        return queue_render(version, owner)
    except RendersBusy as exc:
        raise ActionError(exc.code) from exc


class BlanksLeft(ActionError):
    """The version still has placeholders (code blanks_left); ``blanks`` lists them."""

    def __init__(self, blanks: list[str]) -> None:
        super().__init__("blanks_left")
        self.blanks = blanks


def render_version(conversation: Conversation, number: int | None, *, blanks_ok: bool) -> Render:
    """The PDF render of one version (the current one by default); a version with blanks
    left is rendered only when the caller accepts them."""
    current = conversation.document.current if conversation.document else None
    if current is None:
        raise ActionError("document_missing")
    version = current if number is None else documents.find_version(conversation, number)
    if version is None:
        raise ActionError("not_found")
    found = letters.blanks(version.html, letters.placeholders(document_type(version.doc_type)))
    if found and not blanks_ok:
        raise BlanksLeft(found)
    return _queue_render(version)


def document_of(key: str | None) -> DocumentType:
    """The catalogue document with this key, or not_found."""
    document = document_type(key)
    if document is None:
        raise ActionError("not_found")
    return document


def _checked(
    document: DocumentType, raw: Mapping[str, str], *, blanks_ok: bool, strict: bool = False
) -> dict:
    if strict:
        # A program's request (the API) names only the document's fields; a form also
        # carries its own controls, so pages are not strict.
        known = {field.key for field in document.fields}
        unknown = {key: "unknown" for key in raw if key not in known}
        if unknown:
            raise FieldsRejected(unknown)
    checked = fields.check(document, raw, today_in_poland(), partial=blanks_ok)
    if not checked.ok:
        raise FieldsRejected(checked.errors)
    refused = refusal_for_fields(document.key, checked.values)
    if refused is not None:
        raise OutOfScope(refused)
    return checked.values


def start_from_fields(
    owner: str, key: str | None, raw: Mapping[str, str], *, blanks_ok: bool, strict: bool = False
) -> Conversation:
    """The guided path: a new case whose letter is built from the form, no model involved."""
    document = document_of(key)
    values = _checked(document, raw, blanks_ok=blanks_ok, strict=strict)
    try:
        # Checked before the case exists, so a refused letter leaves no empty case behind.
        sanitize_letter(letters.render(document, values, today_in_poland()))
    except SanitizeError as exc:
        raise ActionError(exc.code) from exc
    conversation = conversations.start(owner, documents.topic_of_document(document.key))
    conversation.title = document.name
    documents.save_fields(conversation, document, values, VersionAuthor.TEMPLATE, today_in_poland())
    return conversation


def save_fields(
    conversation: Conversation,
    raw: Mapping[str, str],
    base_number: int,
    *,
    blanks_ok: bool,
    key: str | None = None,
    strict: bool = False,
) -> DocumentVersion | None:
    """The person's change of the letter's fields and paragraphs, as a new version; with
    ``key``, the letter becomes that catalogue document."""
    document = document_of(key) if key else documents.case_document(conversation)
    if document is None:
        raise ActionError("document_missing")
    values = _checked(document, raw, blanks_ok=blanks_ok, strict=strict)
    try:
        return documents.save_fields(
            conversation,
            document,
            values,
            VersionAuthor.PERSON,
            today_in_poland(),
            base_number=base_number,
        )
    except (SanitizeError, documents.StaleVersionError) as exc:
        raise ActionError(exc.code) from exc


def choose_situation(conversation: Conversation, key: str | None) -> DocumentType | None:
    """Say which document (or which out-of-scope kind) the case is about; the document
    chosen, or None for a kind we do not draft."""
    document = document_type(key)
    if document is None and refusal(key) is None:
        raise ActionError("situation_unknown")
    conversations.set_situation(conversation, key)
    return document


def blanks_of(conversation: Conversation) -> list[str]:
    """The placeholders left in the current version of the letter."""
    current = conversation.document.current if conversation.document else None
    if current is None:
        return []
    return letters.blanks(current.html, letters.placeholders(document_type(current.doc_type)))


def restore_version(
    conversation: Conversation, number: int, base_number: int
) -> DocumentVersion | None:
    """Make an earlier version the current one again, as a new version; None when it
    already is the current letter."""
    version = documents.find_version(conversation, number)
    if version is None:
        raise ActionError("not_found")
    try:
        return documents.restore_version(conversation, version, base_number)
    except (SanitizeError, documents.StaleVersionError) as exc:
        raise ActionError(exc.code) from exc


class VersionComparison(NamedTuple):
    """Two versions of the letter (older first) and what changed between them."""

    old: DocumentVersion
    new: DocumentVersion
    redline: redline.Redline

    @property
    def html(self) -> Markup:
        """The comparison as escaped HTML with <ins> and <del>."""
        return redline.to_html(self.redline)


def compare_versions(
    conversation: Conversation, a: int | None, b: int | None
) -> VersionComparison | None:
    """Compare versions ``a`` and ``b`` (a missing one is the current version; both missing:
    the default pair); None when the letter has only one version to offer."""
    current = conversation.document.current if conversation.document else None
    if current is None:
        raise ActionError("not_found")
    if a is None and b is None:
        pair = documents.default_comparison(conversation)
        if pair is None:
            return None
    else:
        found = [
            documents.find_version(conversation, current.number if n is None else n) for n in (a, b)
        ]
        if None in found:
            raise ActionError("not_found")
        pair = found[0], found[1]
    old, new = sorted(pair, key=lambda version: version.number)
    return VersionComparison(old, new, redline.compare(old.html, new.html))
