"""The conversation page and its fragments, rendered from one context for every route, htmx
request and socket frame that shows them."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from app.legal import all_topics, get_topic, shown_facts, shown_situations
from app.models import Conversation
from app.services import conversations, generation
from app.services.citations import cites_unlisted_law


def page_context(
    conversation: Conversation,
    *,
    message_text: str = "",
    message_error: str | None = None,
    document_text: str | None = None,
    document_error: str | None = None,
    document_base: int | None = None,
) -> dict[str, Any]:
    """Everything the page and its fragments need, keeping any text the person typed."""
    topic = get_topic(conversation.topic)
    document = conversation.document
    current = document.current if document else None
    live = generation.in_flight(conversation)
    return {
        "conversation": conversation,
        "topic": topic,
        "topics": all_topics(),
        "facts_open": not conversation.messages or request.args.get("facts") == "open",
        "unlisted_law": bool(current and cites_unlisted_law(current.html)),
        "situations": shown_situations(topic) if topic else (),
        "facts": shown_facts(topic) if topic else (),
        "live": live,
        "awaiting_reply": live is None and conversations.awaiting_reply(conversation),
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
