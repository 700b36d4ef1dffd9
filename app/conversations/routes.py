"""Conversation routes: thin adapters over app.services.conversations."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from app import limits, messages
from app.access import owned_conversation
from app.conversations import bp
from app.conversations.page import render_page
from app.extensions import limiter
from app.main.routes import landing_page
from app.models import Conversation, MessageStatus
from app.security import ensure_owner
from app.services import conversations, llm


def _answer(conversation: Conversation) -> None:
    reply = conversations.answer(conversation, llm.LLMSettings.from_config(current_app.config))
    if reply.status == MessageStatus.ERROR:
        flash(conversations.error_text(reply), "chat:error")


def _back(public_id: str) -> Response:
    return redirect(url_for("conversations.show", public_id=public_id, _anchor="rozmowa"))


@bp.post("")
@limiter.limit(limits.start_limit)
def start() -> Response | tuple[str, int]:
    """Start a conversation from the landing page, optionally with a first message."""
    text = request.form.get("message", "")
    first = None
    if text.strip():
        try:
            first = conversations.clean_message(text)
        except conversations.InputError as exc:
            return landing_page(text, str(exc)), 422
    conversation = conversations.start(ensure_owner(), request.form.get("topic"))
    if first:
        conversations.add_user_message(conversation, first)
        _answer(conversation)
    return redirect(url_for("conversations.show", public_id=conversation.public_id))


@bp.get("/<public_id>")
def show(public_id: str) -> tuple[str, int]:
    """The chat and the letter."""
    return render_page(owned_conversation(public_id))


@bp.post("/<public_id>/messages")
@limiter.limit(limits.message_limit)
def send(public_id: str) -> Response | tuple[str, int]:
    """Store the person's message, ask the model, and go back to the conversation."""
    conversation = owned_conversation(public_id)
    text = request.form.get("message", "")
    try:
        clean = conversations.clean_message(text)
    except conversations.InputError as exc:
        return render_page(conversation, status=422, message_text=text, message_error=str(exc))
    conversations.add_user_message(conversation, clean)
    _answer(conversation)
    return _back(public_id)


@bp.post("/<public_id>/topic")
def choose_topic(public_id: str) -> Response:
    """Pick what the case is about, so the verified catalogue card can be shown."""
    conversation = owned_conversation(public_id)
    if not conversations.set_topic(conversation, request.form.get("topic")):
        flash(messages.TOPIC_UNKNOWN, "chat:error")
        return _back(public_id)
    return redirect(
        url_for("conversations.show", public_id=public_id, facts="open", _anchor="facts")
    )


@bp.post("/<public_id>/retry")
@limiter.limit(limits.message_limit)
def retry(public_id: str) -> Response:
    """Ask the model again for the person's last message."""
    conversation = owned_conversation(public_id)
    if conversations.awaiting_reply(conversation):
        _answer(conversation)
    else:
        flash(messages.NOTHING_TO_RETRY, "chat:info")
    return _back(public_id)
