"""The conversation page, rendered from one place for every route that shows it."""

from __future__ import annotations

from flask import render_template, request

from app.legal import all_topics, get_topic, shown_facts, shown_situations
from app.models import Conversation
from app.services import conversations
from app.services.citations import cites_unlisted_law


def render_page(
    conversation: Conversation,
    *,
    status: int = 200,
    message_text: str = "",
    message_error: str | None = None,
    document_text: str | None = None,
    document_error: str | None = None,
    document_base: int | None = None,
) -> tuple[str, int]:
    """Render the chat and the letter side by side, keeping any text the person typed."""
    topic = get_topic(conversation.topic)
    document = conversation.document
    current = document.current if document else None
    html = render_template(
        "conversations/page.html",
        conversation=conversation,
        topic=topic,
        topics=all_topics(),
        facts_open=not conversation.messages or request.args.get("facts") == "open",
        unlisted_law=bool(current and cites_unlisted_law(current.html)),
        situations=shown_situations(topic) if topic else (),
        facts=shown_facts(topic) if topic else (),
        awaiting_reply=conversations.awaiting_reply(conversation),
        error_text=conversations.error_text,
        message_text=message_text,
        message_error=message_error,
        document=document,
        current=current,
        document_text=current.html if document_text is None and current else document_text,
        document_error=document_error,
        document_base=current.number if document_base is None and current else document_base,
    )
    return html, status
