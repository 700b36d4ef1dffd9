"""The letter of a conversation: versions, saving through the sanitizer, drafting by the model."""

from __future__ import annotations

import re
from datetime import date
from html import escape
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.legal import get_topic, topic_of
from app.models import Conversation, Document, DocumentVersion, VersionAuthor
from app.services import conversations, letters, llm, prompts
from app.services.dates import polish_date
from app.services.sanitize import ALLOWED_TAGS, BLOCK_TAGS, SanitizeError, sanitize_letter

ALLOWED_TAG = re.compile(rf"<\s*/?\s*({'|'.join(sorted(ALLOWED_TAGS))})\b", re.IGNORECASE)
BLOCK_START = re.compile(rf"^<\s*({'|'.join(sorted(BLOCK_TAGS))})\b", re.IGNORECASE)
SAVE_ATTEMPTS = 3


class StaleVersionError(Exception):
    """The person edited an older version than the current one (code document_stale)."""

    code = "document_stale"


def paragraphs_from_text(text: str) -> str:
    """Turn typed text into letter HTML; blocks that already are HTML pass unchanged.

    Blank lines separate blocks. A block that starts with a block tag (as the drafted letter
    does) is kept as it is; any other block becomes one paragraph whose line breaks are
    kept, escaped unless it uses the letter's own tags (a typed <strong> stays bold).
    """
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    html = []
    for block in blocks:
        block = block.strip()
        if not block:
            continue
        if BLOCK_START.match(block):
            html.append(block)
            continue
        lines = (
            block.split("\n")
            if ALLOWED_TAG.search(block)
            else escape(block, quote=False).split("\n")
        )
        html.append("<p>" + "<br>".join(line.strip() for line in lines) + "</p>")
    return "\n".join(html)


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
    topic: str | None = None,
) -> DocumentVersion:
    """Insert the next version; raises IntegrityError if another save took that number."""
    document = conversation.document
    if document is None:
        document = Document(conversation=conversation)
        db.session.add(document)
    if topic and conversation.topic is None:
        conversation.topic = topic
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
    topic: str | None = None,
) -> DocumentVersion:
    """Sanitize the HTML and store it as the next version (raises SanitizeError).

    If concurrent saves take the number first, the newer state is reloaded and the version
    goes after them: a model or template version never overwrites anything. After a few
    lost races in a row StaleVersionError is raised.
    """
    clean = sanitize_letter(html)
    for _ in range(SAVE_ATTEMPTS):
        try:
            return _store(
                conversation, clean, author, title=title, signatory=signatory, topic=topic
            )
        except IntegrityError:
            db.session.rollback()
            db.session.refresh(conversation)
    raise StaleVersionError


def save_edit(conversation: Conversation, text: str, base_number: int) -> DocumentVersion | None:
    """Store the person's edit as a new version; None when it changes nothing.

    Raises SanitizeError for unacceptable HTML and StaleVersionError when the edit was made
    on an older version than the current one (or lost a race with another save), so nobody
    overwrites work unseen.
    """
    clean = sanitize_letter(paragraphs_from_text(text))
    current = conversation.document.current if conversation.document else None
    if (current.number if current else 0) != base_number:
        raise StaleVersionError
    if current is not None and current.html == clean:
        return None
    try:
        return _store(conversation, clean, VersionAuthor.PERSON)
    except IntegrityError as exc:
        db.session.rollback()
        raise StaleVersionError from exc


def draft_request(
    conversation: Conversation, today: date
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """The chat messages and the JSON schema that ask the model for the letter."""
    topic = get_topic(conversation.topic)
    request = [
        *conversations.model_history(conversation),
        {"role": "user", "content": prompts.draft_instruction(polish_date(today))},
    ]
    return request, prompts.letter_schema(topic)


def store_draft(conversation: Conversation, content: str, today: date) -> DocumentVersion:
    """Build the letter from the model's structured output and store it as a model version.

    Raises LLMError("bad_output") for output that is not a usable letter, or
    StaleVersionError.
    """
    topic = get_topic(conversation.topic)
    try:
        letter = letters.parse_letter(content, prompts.situation_keys(topic))
        return add_version(
            conversation,
            letters.letter_html(letter, polish_date(today)),
            VersionAuthor.MODEL,
            title=letters.letter_title(letter),
            signatory=letter.sender_name or None,
            # The letter tells us what a free-text case is about: show its verified card.
            topic=topic_of(letter.situation).key if letter.situation else None,
        )
    except (letters.LetterFormatError, SanitizeError) as exc:
        raise llm.LLMError("bad_output", str(exc)) from exc
