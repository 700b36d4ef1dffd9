"""Revising the letter with the model: one paragraph or all the free text, as a new version.

Only the document's free-text fields (``Kind.PARAGRAPHS``: the justification, the quote,
the evidence) are ever given to the model; the legal parts stay the template's. The model
answers with structured output, the answer is checked like any field, and the letter is
rebuilt from its template and stored as a new version the person can compare and undo.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.extensions import db
from app.legal.documents import DocumentType, document_type
from app.legal.fields import Field, Kind
from app.models import Conversation, DocumentVersion, MessageStatus, VersionAuthor
from app.services import conversations, documents, fields, llm
from app.services.drafting import DraftOutcome, ModelCall
from app.services.sanitize import SanitizeError

HOWS = ("formal", "shorter", "fact")
WHOLE = "all"
MAX_FACT = 500
INSTRUCTIONS = {
    "formal": "Przeredaguj ten tekst bardziej formalnie, językiem pisma urzędowego.",
    "shorter": "Skróć ten tekst, zachowując wszystkie fakty.",
    "fact": "Dodaj do tego tekstu fakt podany przez osobę, nic więcej: {fact}",
}
RULES = (
    " Nie zmieniaj faktów, dat, kwot ani nazw. Nie dodawaj przepisów. Pisz w pierwszej osobie."
    " Akapity oddzielaj pustym wierszem. Odpowiedz wyłącznie JSON-em."
)


class RevisionError(ValueError):
    """A revision that cannot be asked for; ``code`` is stable (revise_needs_fields,
    revise_bad_request)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Revision:
    """What the person asked: which text (a field's paragraph, or all) and how."""

    target: str  # "all", or "<field key>:<paragraph index>"
    how: str
    fact: str = ""

    def to_json(self) -> str:
        """The request as stored with the turn."""
        return json.dumps(
            {"target": self.target, "how": self.how, "fact": self.fact}, ensure_ascii=False
        )

    @classmethod
    def from_json(cls, raw: str | None) -> Revision:
        """The request stored with a turn (raises RevisionError for anything else)."""
        try:
            data = json.loads(raw or "")
            return cls(str(data["target"]), str(data["how"]), str(data.get("fact", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise RevisionError("revise_bad_request") from exc


def free_fields(document: DocumentType) -> list[Field]:
    """The document's fields the model may rewrite."""
    return [field for field in document.fields if field.kind == Kind.PARAGRAPHS]


def split(text: str) -> list[str]:
    """A free-text value's paragraphs (blank lines separate them)."""
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def typed_current(conversation: Conversation) -> tuple[DocumentType, DocumentVersion]:
    """The case's document and its current version, which must be made from fields."""
    current = conversation.document.current if conversation.document else None
    document = document_type(current.doc_type) if current is not None else None
    if document is None or not current.fields_json or not free_fields(document):
        raise RevisionError("revise_needs_fields")
    return document, current


def check(conversation: Conversation, target: str, how: str, fact: str) -> Revision:
    """Validate what the person asked against the current letter (raises RevisionError)."""
    document, current = typed_current(conversation)
    fact = " ".join((fact or "").split())[:MAX_FACT]
    if how not in HOWS or (how == "fact") != bool(fact) or (how == "fact" and target == WHOLE):
        raise RevisionError("revise_bad_request")
    if target != WHOLE:
        key, _, index = target.partition(":")
        field = document.field(key)
        if field is None or field.kind != Kind.PARAGRAPHS or not index.isdigit():
            raise RevisionError("revise_bad_request")
        if int(index) >= len(split(current.fields.get(key, ""))):
            raise RevisionError("revise_bad_request")
    return Revision(target, how, fact)


def _request(
    revision: Revision, document: DocumentType, values: dict[str, str]
) -> tuple[str, dict[str, Any], list[str]]:
    """The instruction, its JSON schema and the keys the answer must have."""
    how = INSTRUCTIONS[revision.how].format(fact=revision.fact)
    if revision.target == WHOLE:
        keys = [field.key for field in free_fields(document) if values.get(field.key)]
        texts = json.dumps({key: values[key] for key in keys}, ensure_ascii=False)
        instruction = f"{how} Dotyczy to pól pisma „{document.name}”: {texts}.{RULES}"
        limits = {field.key: field.max_length for field in free_fields(document)}
    else:
        key, _, index = revision.target.partition(":")
        paragraph = split(values.get(key, ""))[int(index)]
        instruction = f"{how} Tekst akapitu: „{paragraph}”.{RULES} Pole: 'tekst'."
        keys, limits = ["tekst"], {"tekst": document.field(key).max_length}
    schema = {
        "type": "object",
        "properties": {key: {"type": "string", "maxLength": limits[key]} for key in keys},
        "required": keys,
    }
    return instruction, schema, keys


def _apply(
    revision: Revision, document: DocumentType, values: dict[str, str], answer: dict, today: date
) -> dict[str, str]:
    """The fields with the model's text put in place (raises LLMError for a bad answer)."""
    revised = dict(values)
    if revision.target == WHOLE:
        changes = {key: answer.get(key) for key in answer if document.field(key)}
    else:
        key, _, index = revision.target.partition(":")
        paragraphs = split(values.get(key, ""))
        text = answer.get("tekst")
        if not isinstance(text, str) or not text.strip():
            raise llm.LLMError("bad_output", "empty paragraph")
        paragraphs[int(index)] = " ".join(text.split())
        changes = {key: "\n\n".join(paragraphs)}
    checked = fields.check(document, {**revised, **changes}, today, partial=True)
    bad = [key for key in changes if key in checked.errors or not checked.values.get(key)]
    if bad or not changes:
        raise llm.LLMError("bad_output", f"rejected: {bad}")
    revised.update({key: checked.values[key] for key in changes})
    return revised


def run(
    conversation: Conversation, raw_request: str | None, call: ModelCall, today: date
) -> tuple[DraftOutcome, int | None]:
    """Revise as asked; the outcome, and the number of the version it made (if any)."""
    empty = llm.StreamResult()
    try:
        revision = Revision.from_json(raw_request)
        document, current = typed_current(conversation)
    except RevisionError as exc:
        return DraftOutcome(MessageStatus.ERROR, exc.code, empty), None
    values = current.fields
    base = current.number
    instruction, schema, _ = _request(revision, document, values)
    history = [
        *conversations.model_history(conversation),
        {"role": "user", "content": instruction},
    ]
    db.session.commit()  # no transaction stays open during the model call
    result = call(history, schema)
    if result.ending == "stopped":
        return DraftOutcome(MessageStatus.INTERRUPTED, None, result), None
    if result.ending != "stop":
        return DraftOutcome(MessageStatus.ERROR, result.ending, result), None
    try:
        answer = json.loads(result.content)
        if not isinstance(answer, dict):
            raise llm.LLMError("bad_output", "not an object")
        revised = _apply(revision, document, values, answer, today)
        version = documents.save_fields(
            conversation, document, revised, VersionAuthor.MODEL, today, base_number=base
        )
    except json.JSONDecodeError:
        return DraftOutcome(MessageStatus.ERROR, "bad_output", result), None
    except llm.LLMError as exc:
        return DraftOutcome(MessageStatus.ERROR, exc.code, result), None
    except SanitizeError:
        return DraftOutcome(MessageStatus.ERROR, "bad_output", result), None
    except documents.StaleVersionError:
        # The person saved meanwhile: their version stands, the revision is not applied.
        return DraftOutcome(MessageStatus.ERROR, "stale", result), None
    if version is None:
        return DraftOutcome(MessageStatus.COMPLETE, "unchanged", result), None
    return DraftOutcome(MessageStatus.COMPLETE, None, result), version.number
