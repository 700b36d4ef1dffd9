"""Conversation routes: thin adapters over app.actions for plain form posts."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import actions, clients, limits, messages, wording
from app.access import owned_conversation
from app.conversations import bp
from app.conversations.page import deadline_event, render_page
from app.extensions import limiter
from app.legal import get_topic
from app.main.routes import landing_page
from app.models import Message
from app.security import ensure_owner
from app.services import cases, conversations, generation

STOP_WAIT_S = 2.0


def _to_message(public_id: str, message: Message | None) -> Response:
    anchor = f"m{message.id}" if message is not None else "rozmowa"
    return redirect(url_for("conversations.show", public_id=public_id, _anchor=anchor))


@bp.post("")
@limiter.limit(limits.start_limit)
def start() -> Response | tuple[str, int]:
    """Start a conversation from the landing page, optionally with a first message."""
    text = request.form.get("message", "")
    topic = request.form.get("topic")
    if not text.strip() and get_topic(topic) is None:
        # An empty "Zacznij" starts nothing: no empty case is stored.
        return landing_page(text, messages.START_EMPTY), 422
    if text.strip():
        try:
            conversations.clean_message(text)
        except conversations.InputError as exc:
            return landing_page(text, wording.action_error(exc.code)), 422
    conversation = conversations.start(ensure_owner(), topic)
    if not text.strip():
        return redirect(url_for("conversations.show", public_id=conversation.public_id))
    try:
        reply = actions.send_message(conversation, text)
    except actions.ActionError as exc:
        flash(wording.action_error(exc.code), "chat:error")
        return redirect(url_for("conversations.show", public_id=conversation.public_id))
    return _to_message(conversation.public_id, reply)


@bp.get("/<public_id>")
def show(public_id: str) -> tuple[str, int]:
    """The chat and the letter."""
    conversation = owned_conversation(public_id)
    actions.release_lost(conversation)
    return render_page(conversation)


@bp.get("/<public_id>/replies/<int:message_id>")
def reply(public_id: str, message_id: int) -> Response:
    """Where a page without JavaScript reloads to while a reply is written: back to it.

    A refresh to the page's own address plus an anchor would only scroll, never reload.
    """
    owned_conversation(public_id)
    return redirect(url_for("conversations.show", public_id=public_id, _anchor=f"m{message_id}"))


@bp.post("/<public_id>/messages")
@limiter.shared_limit(limits.message_limit, scope=limits.MODEL_SCOPE)
def send(public_id: str) -> Response | tuple[str, int]:
    """Store the person's message, start the reply, and go back at once."""
    conversation = owned_conversation(public_id)
    text = request.form.get("message", "")
    try:
        reply = actions.send_message(conversation, text)
    except actions.ActionError as exc:
        status = 409 if exc.code in ("busy", "queue_full") else 422
        return render_page(
            conversation,
            status=status,
            message_text=text,
            message_error=wording.action_error(exc.code),
        )
    return _to_message(public_id, reply)


@bp.post("/<public_id>/stop")
def stop(public_id: str) -> Response:
    """Stop the reply being written; what was written so far is kept."""
    conversation = owned_conversation(public_id)
    stopped = actions.stop(conversation)
    if stopped is None:
        flash(messages.NOTHING_TO_STOP, "chat:info")
    else:
        # The job ends the row between two chunks; let the page land on the final state.
        generation.wait_finished(stopped, STOP_WAIT_S)
    return _to_message(public_id, stopped)


@bp.post("/<public_id>/topic")
def choose_topic(public_id: str) -> Response:
    """Pick what the case is about, so the verified catalogue card can be shown."""
    conversation = owned_conversation(public_id)
    if not conversations.set_topic(conversation, request.form.get("topic")):
        flash(messages.TOPIC_UNKNOWN, "chat:error")
        return _to_message(public_id, None)
    return redirect(
        url_for("conversations.show", public_id=public_id, facts="open", _anchor="facts")
    )


@bp.post("/<public_id>/situation")
def choose_situation(public_id: str) -> Response:
    """Pick the document the case needs (or say it is none of them): the guided fallback."""
    conversation = owned_conversation(public_id)
    key = request.form.get("situation")
    try:
        chosen = actions.choose_situation(conversation, key)
    except actions.ActionError as exc:
        flash(wording.action_error(exc.code), "document:error")
        return redirect(url_for("conversations.show", public_id=public_id, _anchor="pismo"))
    if chosen is None:
        flash(messages.REFUSAL_CHOSEN, "document:info")
        return redirect(url_for("conversations.show", public_id=public_id, _anchor="pismo"))
    flash(messages.SITUATION_CHOSEN.format(name=chosen.name), "document:info")
    return redirect(url_for("conversations.show", public_id=public_id, _anchor="dane"))


@bp.get("/<public_id>/termin.ics")
def calendar(public_id: str) -> Response:
    """The case's last day as a calendar event with a reminder two days before."""
    conversation = owned_conversation(public_id)
    event = deadline_event(conversation)
    if event is None:
        abort(404)
    response = Response(event, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="termin.ics"'
    return response


@bp.post("/<public_id>/retry")
@limiter.shared_limit(limits.message_limit, scope=limits.MODEL_SCOPE)
def retry(public_id: str) -> Response:
    """Ask the model again for the person's last message."""
    conversation = owned_conversation(public_id)
    try:
        reply = actions.retry(conversation)
    except actions.ActionError as exc:
        flash(wording.action_error(exc.code), "chat:info")
        return _to_message(public_id, None)
    return _to_message(public_id, reply)


@bp.get("/<public_id>/usun")
def confirm_delete(public_id: str) -> str:
    """Ask before deleting the case; the page changes nothing."""
    conversation = owned_conversation(public_id)
    return render_template(
        "conversations/delete.html",
        conversation=conversation,
        shared=len(conversation.owners) > 1,
    )


@bp.post("/<public_id>/usun")
def delete_case(public_id: str) -> Response:
    """Delete the case at once and for good, for every browser that owns it."""
    conversation = owned_conversation(public_id)
    try:
        cases.delete_case(
            conversation, storage_dir=current_app.config["STORAGE_DIR"], bus=clients.bus()
        )
    except cases.CaseError:
        flash(messages.CASE_DELETE_FAILED, "error")
        return redirect(url_for("conversations.confirm_delete", public_id=public_id))
    flash(messages.CASE_DELETED, "info")
    return redirect(url_for("main.index"))
