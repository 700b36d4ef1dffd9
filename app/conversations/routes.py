"""Conversation routes: thin adapters over app.services.conversations."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from app import messages
from app.access import owned_conversation
from app.conversations import bp
from app.conversations.page import render_page
from app.extensions import limiter
from app.models import MessageStatus
from app.security import ensure_owner
from app.services import conversations, llm


def _message_limit() -> str:
    return current_app.config["RATELIMIT_MESSAGES"]


def _start_limit() -> str:
    return current_app.config["RATELIMIT_START"]


def _settings() -> llm.LLMSettings:
    return llm.LLMSettings.from_config(current_app.config)


def _answer(conversation) -> None:
    reply = conversations.answer(conversation, _settings())
    if reply.status == MessageStatus.ERROR:
        flash(conversations.error_text(reply), "chat:error")


@bp.post("")
@limiter.limit(_start_limit)
def start() -> Response:
    """Start a conversation from the landing page, optionally with a first message."""
    text = request.form.get("message", "")
    first = None
    if text.strip():
        try:
            first = conversations.clean_message(text)
        except conversations.InputError as exc:
            flash(str(exc), "error")
            return redirect(url_for("main.index"))
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
@limiter.limit(_message_limit)
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
    return redirect(url_for("conversations.show", public_id=public_id, _anchor="rozmowa"))


@bp.post("/<public_id>/retry")
@limiter.limit(_message_limit)
def retry(public_id: str) -> Response:
    """Ask the model again for the person's last message."""
    conversation = owned_conversation(public_id)
    if conversations.awaiting_reply(conversation):
        _answer(conversation)
    else:
        flash(messages.NOTHING_TO_RETRY, "chat:info")
    return redirect(url_for("conversations.show", public_id=public_id, _anchor="rozmowa"))
