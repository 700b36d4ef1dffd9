"""The conversation page and its fragments, rendered from one context for every route, htmx
request and socket frame that shows them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import render_template, request

from app import messages
from app.guide.forms import form_context
from app.legal import all_topics, get_topic, shown_situations
from app.legal.documents import document_type
from app.legal.scope import Refusal, refusal, topic_refusals
from app.models import Conversation, DocumentVersion
from app.services import (
    case_deadlines,
    conversations,
    documents,
    generation,
    letters,
    revising,
)
from app.services.calendar import deadline_event as calendar_event
from app.services.citations import letter_cites_unlisted_law
from app.services.dates import polish_date, today_in_poland


def case_context(conversation: Conversation) -> dict[str, Any]:
    """The case's document, its fields, its deadline and any refusal (every case screen)."""
    document = documents.case_document(conversation)
    values = documents.case_fields(conversation)
    return {
        "case_document": document,
        "case_values": values,
        "deadline": case_deadlines.for_case(document, values, today_in_poland()),
        "refusal": refusal(conversation.situation),
    }


def revisable_paragraphs(current: DocumentVersion | None) -> list[tuple[str, str, str]]:
    """(target, field label, paragraph) for each paragraph of the letter's free text that
    the model may rewrite; [] when the current version is not made from fields."""
    document = document_type(current.doc_type) if current is not None else None
    if document is None or not current.fields_json:
        return []
    return [
        (f"{field.key}:{index}", field.label, paragraph)
        for field in revising.free_fields(document)
        for index, paragraph in enumerate(revising.split(current.fields.get(field.key, "")))
    ]


def deadline_event(conversation: Conversation) -> bytes | None:
    """The case's computed last day as an .ics file, or None when there is none to offer."""
    case = case_context(conversation)
    deadline = case["deadline"]
    if deadline is None or deadline.deadline is None:
        return None
    document = case["case_document"]
    return calendar_event(
        last_day=deadline.deadline.last_day,
        summary=messages.ICS_SUMMARY.format(document=document.name),
        description=messages.ICS_DESCRIPTION.format(
            document=document.name,
            case=conversation.title,
            event=deadline.spec.event,
            basis=deadline.spec.basis,
            day=polish_date(deadline.deadline.last_day),
        ),
        uid=f"{conversation.public_id}-termin@mikroporada",
        now=datetime.now(UTC),
    )


def page_context(
    conversation: Conversation,
    *,
    message_text: str = "",
    message_error: str | None = None,
    document_text: str | None = None,
    document_error: str | None = None,
    document_base: int | None = None,
    typed_fields: dict[str, str] | None = None,
    field_errors: dict[str, str] | None = None,
    form_error: str | None = None,
    refused: Refusal | None = None,
) -> dict[str, Any]:
    """Everything the page and its fragments need, keeping any text the person typed."""
    topic = get_topic(conversation.topic)
    document = conversation.document
    current = document.current if document else None
    live = generation.in_flight(conversation)
    case = case_context(conversation)
    known = letters.placeholders(document_type(current.doc_type)) if current else ()
    fields_form = (
        form_context(
            case["case_document"],
            values=case["case_values"],
            typed=typed_fields,
            errors=field_errors,
            form_error=form_error,
            refused=refused,
        )
        if case["case_document"]
        else {}
    )
    return {
        **case,
        **fields_form,
        "topic_refusals": topic_refusals(topic.key) if topic else (),
        "other_refusal": refusal("inne"),
        "preview": letters.mark_blanks(current.html, known) if current else None,
        "blanks": letters.blanks(current.html, known) if current else [],
        "revisable": revisable_paragraphs(current),
        "conversation": conversation,
        "topic": topic,
        "topics": all_topics(),
        # The card opens by itself only on an empty case; a letter made on the guided path
        # keeps the deadline and the letter in view instead.
        "facts_open": (not conversation.messages and current is None)
        or request.args.get("facts") == "open",
        "unlisted_law": bool(
            current
            and letter_cites_unlisted_law(current, case["case_document"], case["case_values"])
        ),
        "situations": shown_situations(topic) if topic else (),
        # Facts still waiting for a second source are shown marked "do sprawdzenia".
        "facts": topic.facts if topic else (),
        "live": live,
        "awaiting_reply": live is None and conversations.awaiting_reply(conversation),
        "last_failed": conversations.last_reply_failed(conversation),
        "message_text": message_text,
        "message_error": message_error,
        "document": document,
        "current": current,
        "document_text": current.html if document_text is None and current else document_text,
        "document_error": document_error,
        "document_base": current.number if document_base is None and current else document_base,
    }


def render_page(conversation: Conversation, *, status: int = 200, **typed: Any) -> tuple[str, int]:
    """Render the chat and the letter side by side."""
    return render_template("conversations/page.html", **page_context(conversation, **typed)), status


def render_fragment(name: str, conversation: Conversation, **extra: Any) -> str:
    """One fragment of the page (``conversations/_turn_state.html``...) with the page's context."""
    return render_fragments((name,), conversation, **extra)


def render_fragments(names: tuple[str, ...], conversation: Conversation, **extra: Any) -> str:
    """Several fragments from one page context (built once: it costs queries)."""
    context = {**page_context(conversation), **extra}
    return "".join(render_template(name, **context) for name in names)
