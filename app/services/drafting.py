"""Drafting a letter from the chat: the model fills fields, never law.

1. The catalogue's rules look at the person's own words first; a case beyond the product
   (drunk driving, abroad, a sąd okręgowy) gets no letter and no model call.
2. If the case's situation is not known yet, the model picks one from the catalogue's keys
   (Ollama structured output with an enum).
3. The model extracts that document's fields from the chat (structured output with the
   document's JSON schema) and writes only the free-text parts. Every value is checked like
   the person's own input; what is missing or invalid stays a placeholder and the page asks
   for it. The letter's legal text, addressee and demand come from its template.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.extensions import db
from app.legal import get_topic
from app.legal.documents import DocumentType, document_type
from app.legal.scope import refusal, refusal_for_fields, refusal_for_text
from app.models import Conversation, MessageKind, MessageStatus, Role, VersionAuthor
from app.services import conversations, documents, fields, llm, prompts
from app.services.dates import polish_date
from app.services.sanitize import SanitizeError

# Calls the model with chat messages and a JSON schema, returns how the stream ended.
ModelCall = Callable[[list[dict[str, str]], dict[str, Any]], llm.StreamResult]


@dataclass(frozen=True)
class DraftOutcome:
    """How a draft turn ended: its status and code, and the last model result (if any)."""

    status: MessageStatus
    error_code: str | None
    result: llm.StreamResult


def _person_texts(conversation: Conversation) -> list[str]:
    return [
        message.content
        for message in conversation.messages
        if message.role == Role.USER and message.kind == MessageKind.CHAT
    ]


def _refuse(
    conversation: Conversation, key: str, result: llm.StreamResult, replacing: str | None = None
) -> DraftOutcome:
    conversations.claim_situation(conversation, key, replacing=replacing)
    return DraftOutcome(MessageStatus.COMPLETE, "out_of_scope", result)


def _json_object(content: str) -> dict[str, Any]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise llm.LLMError("bad_output", "not JSON") from exc
    if not isinstance(data, dict):
        raise llm.LLMError("bad_output", "not an object")
    return data


def _ended_badly(result: llm.StreamResult) -> DraftOutcome | None:
    """A stopped or failed call ends the turn; a cut-short JSON is useless."""
    if result.ending == "stop":
        return None
    if result.ending == "stopped":
        return DraftOutcome(MessageStatus.INTERRUPTED, None, result)
    return DraftOutcome(MessageStatus.ERROR, result.ending, result)


def classify(
    conversation: Conversation, call: ModelCall
) -> tuple[str | None, llm.StreamResult | DraftOutcome]:
    """The situation key the model recognises in the chat (validated against the catalogue)."""
    topic = get_topic(conversation.topic)
    instruction, schema = prompts.classification_request(topic)
    history = [*conversations.model_history(conversation), {"role": "user", "content": instruction}]
    db.session.commit()  # no transaction stays open during the model call
    result = call(history, schema)
    if (failed := _ended_badly(result)) is not None:
        return None, failed
    key = _json_object(result.content).get("situation")
    if not isinstance(key, str) or key not in prompts.situation_keys(topic):
        raise llm.LLMError("bad_output", "unknown situation")
    return key, result


def extract(
    conversation: Conversation, document: DocumentType, call: ModelCall, today: date
) -> tuple[dict[str, str], llm.StreamResult] | DraftOutcome:
    """The document's fields as the model found them in the chat, checked; invalid ones dropped."""
    instruction, schema = prompts.extraction_request(document, polish_date(today))
    history = [*conversations.model_history(conversation), {"role": "user", "content": instruction}]
    db.session.commit()
    result = call(history, schema)
    if (failed := _ended_badly(result)) is not None:
        return failed
    checked = fields.check(document, _json_object(result.content), today, partial=True)
    return checked.values, result


def run(conversation: Conversation, call: ModelCall, today: date) -> DraftOutcome:
    """Draft the case's letter; the outcome says how the turn ends (never raises for model
    trouble).

    A situation already chosen (by the person, or recognised by an earlier draft) is kept:
    the catalogue's word rules and the model's classification only decide an open case.
    """
    empty = llm.StreamResult()
    if refusal(conversation.situation) is not None:
        return DraftOutcome(MessageStatus.COMPLETE, "out_of_scope", empty)
    document = document_type(conversation.situation)
    try:
        result = empty
        if document is None:
            found = refusal_for_text(_person_texts(conversation))
            if found is not None:
                return _refuse(conversation, found.key, empty)
            key, classified = classify(conversation, call)
            if isinstance(classified, DraftOutcome):
                return classified
            result = classified
            if key == prompts.OTHER_SITUATION:
                # Nothing fits, says the model: the person picks from the list, or says so.
                return DraftOutcome(MessageStatus.COMPLETE, "no_situation", result)
            key = conversations.claim_situation(conversation, key)
            if refusal(key) is not None:
                return DraftOutcome(MessageStatus.COMPLETE, "out_of_scope", result)
            document = document_type(key)
            if document is None:
                return DraftOutcome(MessageStatus.COMPLETE, "no_situation", result)
        extracted = extract(conversation, document, call, today)
        if isinstance(extracted, DraftOutcome):
            return extracted
        values, result = extracted
    except llm.LLMError as exc:
        return DraftOutcome(MessageStatus.ERROR, exc.code, empty)
    # What the person typed outranks what the model found.
    values = {**values, **documents.person_fields(conversation, document)}
    refused = refusal_for_fields(document.key, values)
    if refused is not None:
        return _refuse(conversation, refused.key, result, replacing=document.key)
    if conversation.situation not in (None, document.key):
        # The person picked another document while the model worked on this one.
        return DraftOutcome(MessageStatus.ERROR, "stale", result)
    try:
        documents.save_fields(conversation, document, values, VersionAuthor.MODEL, today)
    except SanitizeError:
        return DraftOutcome(MessageStatus.ERROR, "bad_output", result)
    except documents.StaleVersionError:
        return DraftOutcome(MessageStatus.ERROR, "stale", result)
    code = "fields_missing" if fields.missing(document, values) else None
    return DraftOutcome(MessageStatus.COMPLETE, code, result)
