"""The letter of a conversation: versions, saving through the sanitizer, drafting by the model."""

from __future__ import annotations

from datetime import date

from app import messages
from app.extensions import db
from app.legal import get_topic
from app.models import Conversation, Document, DocumentVersion, Role, VersionAuthor
from app.services import conversations, letters, llm, prompts
from app.services.dates import polish_date
from app.services.sanitize import sanitize_letter

DRAFT_MESSAGES = {
    "unavailable": messages.DRAFT_UNAVAILABLE,
    "timeout": messages.DRAFT_TIMEOUT,
    "model_missing": messages.DRAFT_MODEL_MISSING,
    "failed": messages.DRAFT_FAILED,
    "bad_output": messages.DRAFT_BAD_OUTPUT,
    "needs_chat": messages.DRAFT_NEEDS_CHAT,
}


class StaleVersionError(Exception):
    """The person edited an older version than the current one."""


def _document(conversation: Conversation) -> Document:
    if conversation.document is None:
        conversation.document = Document(conversation=conversation)
        db.session.add(conversation.document)
    return conversation.document


def add_version(
    conversation: Conversation,
    html: str,
    author: VersionAuthor,
    *,
    title: str | None = None,
    signatory: str | None = None,
) -> DocumentVersion:
    """Sanitize the HTML and store it as the next version (raises SanitizeError)."""
    return _store(conversation, sanitize_letter(html), author, title=title, signatory=signatory)


def _store(
    conversation: Conversation,
    clean: str,
    author: VersionAuthor,
    *,
    title: str | None = None,
    signatory: str | None = None,
) -> DocumentVersion:
    document = _document(conversation)
    current = document.current
    if title:
        document.title = title[:200]
    if signatory:
        document.signatory = signatory[:200]
    version = DocumentVersion(
        document=document,
        number=(current.number if current else 0) + 1,
        author=author,
        html=clean,
    )
    db.session.add(version)
    db.session.commit()
    return version


def save_edit(conversation: Conversation, html: str, base_number: int) -> DocumentVersion | None:
    """Store the person's edit as a new version; None when it changes nothing.

    Raises SanitizeError for unacceptable HTML and StaleVersionError when the edit was made
    on an older version than the current one, so nobody overwrites work unseen.
    """
    clean = sanitize_letter(html)
    current = conversation.document.current if conversation.document else None
    if (current.number if current else 0) != base_number:
        raise StaleVersionError(messages.DOCUMENT_STALE)
    if current is not None and current.html == clean:
        return None
    return _store(conversation, clean, VersionAuthor.PERSON)


def draft(conversation: Conversation, settings: llm.LLMSettings, today: date) -> DocumentVersion:
    """Ask the model for the letter as structured output and store it as a model version."""
    if not any(message.role == Role.USER for message in conversation.messages):
        raise llm.LLMError("needs_chat")
    topic = get_topic(conversation.topic)
    request = [
        *conversations.model_history(conversation),
        {"role": "user", "content": prompts.draft_instruction(polish_date(today))},
    ]
    result = llm.chat(settings, request, response_format=prompts.letter_schema(topic))
    try:
        letter = letters.parse_letter(result.content, prompts.situation_keys(topic))
    except letters.LetterFormatError as exc:
        raise llm.LLMError("bad_output", str(exc)) from exc
    html = letters.letter_html(letter, polish_date(today))
    return add_version(
        conversation,
        html,
        VersionAuthor.MODEL,
        title=letters.letter_title(letter),
        signatory=letter.sender_name or None,
    )


def draft_error_text(error: llm.LLMError) -> str:
    """The Polish explanation for a failed draft (the chat's wording would not fit)."""
    return DRAFT_MESSAGES.get(error.code, messages.DRAFT_FAILED)
