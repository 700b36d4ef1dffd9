"""The letter of a conversation: versions, saving through the sanitizer, drafting by the model."""

from __future__ import annotations

import re
from datetime import date
from html import escape
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError

from app import messages
from app.extensions import db
from app.legal import get_topic, topic_of
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
BLOCK_TAG = re.compile(r"<\s*(p|h[1-6]|ul|ol|li|table|blockquote|br|div)\b", re.IGNORECASE)


class StaleVersionError(Exception):
    """The person edited an older version than the current one."""


class Draft(NamedTuple):
    """A drafted version, and whether the model wrote legal citations into its text."""

    version: DocumentVersion
    cites_law: bool


def plain_text_to_html(text: str) -> str:
    """Turn text typed without HTML into paragraphs; HTML input is returned unchanged.

    Blank lines separate paragraphs and single line breaks are kept, so a letter typed as
    plain text looks on paper the way it looked in the box.
    """
    if BLOCK_TAG.search(text):
        return text
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return "\n".join(
        "<p>" + "<br>".join(escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks
        if block.strip()
    )


def _next_number(document: Document) -> int:
    current = document.current
    return (current.number if current else 0) + 1


def _store(
    conversation: Conversation,
    clean: str,
    author: VersionAuthor,
    *,
    title: str | None = None,
    signatory: str | None = None,
) -> DocumentVersion:
    """Insert the next version; raises IntegrityError if another save took that number."""
    document = conversation.document
    if document is None:
        document = Document(conversation=conversation)
        db.session.add(document)
    if title:
        document.title = title[:200]
    if signatory:
        document.signatory = signatory[:200]
    version = DocumentVersion(
        document=document, number=_next_number(document), author=author, html=clean
    )
    db.session.add(version)
    db.session.commit()
    return version


def add_version(
    conversation: Conversation,
    html: str,
    author: VersionAuthor,
    *,
    title: str | None = None,
    signatory: str | None = None,
) -> DocumentVersion:
    """Sanitize the HTML and store it as the next version (raises SanitizeError).

    If a concurrent save took the number first, the newer state is reloaded and the
    version is stored after it: a model or template version never overwrites anything.
    """
    clean = sanitize_letter(html)
    try:
        return _store(conversation, clean, author, title=title, signatory=signatory)
    except IntegrityError:
        db.session.rollback()
        db.session.refresh(conversation)
        return _store(conversation, clean, author, title=title, signatory=signatory)


def save_edit(conversation: Conversation, html: str, base_number: int) -> DocumentVersion | None:
    """Store the person's edit as a new version; None when it changes nothing.

    Raises SanitizeError for unacceptable HTML and StaleVersionError when the edit was made
    on an older version than the current one (or lost a race with another save), so nobody
    overwrites work unseen.
    """
    clean = sanitize_letter(plain_text_to_html(html))
    current = conversation.document.current if conversation.document else None
    if (current.number if current else 0) != base_number:
        raise StaleVersionError(messages.DOCUMENT_STALE)
    if current is not None and current.html == clean:
        return None
    try:
        return _store(conversation, clean, VersionAuthor.PERSON)
    except IntegrityError as exc:
        db.session.rollback()
        raise StaleVersionError(messages.DOCUMENT_STALE) from exc


def draft(conversation: Conversation, settings: llm.LLMSettings, today: date) -> Draft:
    """Ask the model for the letter as structured output and store it as a model version."""
    if not any(message.role == Role.USER for message in conversation.messages):
        raise llm.LLMError("needs_chat")
    topic = get_topic(conversation.topic)
    request = [
        *conversations.model_history(conversation),
        {"role": "user", "content": prompts.draft_instruction(polish_date(today))},
    ]
    # End the read transaction before the long model call, so that the version number is
    # computed from what the database holds afterwards, not from a snapshot taken before.
    db.session.commit()
    result = llm.chat(settings, request, response_format=prompts.letter_schema(topic))
    try:
        letter = letters.parse_letter(result.content, prompts.situation_keys(topic))
    except letters.LetterFormatError as exc:
        raise llm.LLMError("bad_output", str(exc)) from exc
    if conversation.topic is None and letter.situation is not None:
        # The letter tells us what the case is about: show that topic's verified card.
        conversation.topic = topic_of(letter.situation).key
    version = add_version(
        conversation,
        letters.letter_html(letter, polish_date(today)),
        VersionAuthor.MODEL,
        title=letters.letter_title(letter),
        signatory=letter.sender_name or None,
    )
    return Draft(version, letters.cites_law(letter))


def draft_error_text(error: llm.LLMError) -> str:
    """The Polish explanation for a failed draft (the chat's wording would not fit)."""
    return DRAFT_MESSAGES.get(error.code, messages.DRAFT_FAILED)
