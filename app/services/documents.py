"""The letter of a conversation: versions, saving through the sanitizer, drafting by the model."""

from __future__ import annotations

import json
import re
from datetime import date
from html import escape

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.legal import get_situation, topic_of
from app.legal.documents import DocumentType, document_type
from app.models import Conversation, Document, DocumentVersion, VersionAuthor
from app.services import conversations, letters
from app.services.sanitize import ALLOWED_TAGS, BLOCK_TAGS, sanitize_letter

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
    doc_type: str | None = None,
    fields: dict[str, str] | None = None,
    situation: str | None = None,
) -> DocumentVersion:
    """Insert the next version; raises IntegrityError if another save took that number."""
    document = conversation.document
    if document is None:
        document = Document(conversation=conversation)
        db.session.add(document)
    if topic and conversation.topic is None:
        conversation.topic = topic
    if situation:
        conversation.situation = situation
    if title:
        document.title = title[:200]
    if signatory:
        document.signatory = signatory[:200]
    conversations.touch(conversation)
    version = DocumentVersion(
        document=document,
        number=_next_number(document),
        author=author,
        html=clean,
        doc_type=doc_type,
        fields_json=json.dumps(fields, ensure_ascii=False, sort_keys=True) if fields else None,
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
    doc_type: str | None = None,
    fields: dict[str, str] | None = None,
    situation: str | None = None,
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
                conversation,
                clean,
                author,
                title=title,
                signatory=signatory,
                topic=topic,
                doc_type=doc_type,
                fields=fields,
                situation=situation,
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
        # A whole-text edit keeps its document type (for the deadline and how to send it)
        # but no fields: the text no longer follows from them.
        doc_type = current.doc_type if current else None
        return _store(conversation, clean, VersionAuthor.PERSON, doc_type=doc_type)
    except IntegrityError as exc:
        db.session.rollback()
        raise StaleVersionError from exc


def case_fields(conversation: Conversation) -> dict[str, str]:
    """The fields of the newest version made from fields ({} when there is none)."""
    document = conversation.document
    for version in reversed(document.versions if document else []):
        if version.fields_json:
            return version.fields
    return {}


def person_fields(conversation: Conversation, document: DocumentType) -> dict[str, str]:
    """The document's fields as the person (or the guided form) last gave them: these
    outrank the model's; its own earlier values do not."""
    versions = conversation.document.versions if conversation.document else []
    for version in reversed(versions):
        if version.fields_json and version.author != VersionAuthor.MODEL:
            keys = {field.key for field in document.fields}
            return {key: value for key, value in version.fields.items() if key in keys}
    return {}


def case_document(conversation: Conversation) -> DocumentType | None:
    """The catalogue document the case is about (its chosen situation, else its letter's)."""
    chosen = document_type(conversation.situation)
    if chosen is not None:
        return chosen
    current = conversation.document.current if conversation.document else None
    return document_type(current.doc_type) if current is not None else None


def save_fields(
    conversation: Conversation,
    document: DocumentType,
    values: dict[str, str],
    author: VersionAuthor,
    today: date,
    *,
    base_number: int | None = None,
) -> DocumentVersion | None:
    """Build the letter from its template and fields and store it as the next version.

    None when it changes nothing. With ``base_number`` (the person's form) an edit of an
    older version raises StaleVersionError; without it (model, template) the version goes
    after any concurrent ones. Raises SanitizeError only for a letter over the limits.
    """
    clean = sanitize_letter(letters.render(document, values, today))
    current = conversation.document.current if conversation.document else None
    if base_number is not None and (current.number if current else 0) != base_number:
        raise StaleVersionError
    if (
        current is not None
        and current.doc_type == document.key
        and current.fields == values
        and current.html == clean
    ):
        return None
    about = {
        "title": letters.title_of(document),
        "signatory": values.get("imie_nazwisko"),
        "topic": topic_of_document(document.key),
        "doc_type": document.key,
        "fields": values,
        "situation": document.key,
    }
    if base_number is None:
        return add_version(conversation, clean, author, **about)
    try:
        # The person's edit goes in once or is stale: it never lands on top of another save.
        return _store(conversation, clean, author, **about)
    except IntegrityError as exc:
        db.session.rollback()
        raise StaleVersionError from exc


def topic_of_document(key: str) -> str | None:
    """The topic a catalogue document belongs to."""
    situation = get_situation(key)
    return topic_of(situation).key if situation else None


def find_version(conversation: Conversation, number: int) -> DocumentVersion | None:
    """The letter's version with this number, or None."""
    versions = conversation.document.versions if conversation.document else []
    return next((version for version in versions if version.number == number), None)


def default_comparison(
    conversation: Conversation,
) -> tuple[DocumentVersion, DocumentVersion] | None:
    """The pair of versions worth comparing first (older, newer), or None with fewer than two.

    The model's latest draft against the person's latest edit after it, so the person sees
    what they changed in it; without such a pair, the previous version against the current.
    """
    versions = conversation.document.versions if conversation.document else []
    drafts = [version for version in versions if version.author == VersionAuthor.MODEL]
    if drafts:
        edits = [
            version
            for version in versions
            if version.number > drafts[-1].number and version.author == VersionAuthor.PERSON
        ]
        if edits:
            return drafts[-1], edits[-1]
    return (versions[-2], versions[-1]) if len(versions) >= 2 else None


def restore_version(
    conversation: Conversation, version: DocumentVersion, base_number: int
) -> DocumentVersion | None:
    """Store an earlier version's letter, document type and fields as a new version by
    the person; None when the current version already is that letter.

    Nothing is overwritten or deleted. Raises StaleVersionError when the person saw an
    older current version than the real one (or lost a race with another save), and
    SanitizeError if the letter no longer passes the sanitizer.
    """
    current = conversation.document.current if conversation.document else None
    if current is None or current.number != base_number:
        raise StaleVersionError
    clean = sanitize_letter(version.html)
    fields = version.fields
    if version.number == current.number or (current.html, current.doc_type, current.fields) == (
        clean,
        version.doc_type,
        fields,
    ):
        return None
    # The case follows the restored letter: its document, hence its form and deadline.
    document = document_type(version.doc_type)
    about = (
        {
            "title": letters.title_of(document),
            "signatory": fields.get("imie_nazwisko"),
            "topic": topic_of_document(document.key),
            "situation": document.key,
        }
        if document is not None
        else {}
    )
    try:
        return _store(
            conversation,
            clean,
            VersionAuthor.PERSON,
            doc_type=version.doc_type,
            fields=fields or None,
            **about,
        )
    except IntegrityError as exc:
        db.session.rollback()
        raise StaleVersionError from exc
