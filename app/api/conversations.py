"""Conversations and their messages: thin adapters over app.actions for API keys."""

from __future__ import annotations

from flask import Response, current_app, request
from spectree import Response as Documented

from app import actions, clients, limits, principal
from app.api import bp, present, spec
from app.api.errors import ApiError
from app.api.replies import json_response, json_with_etag, page_answer
from app.api.schemas import (
    ConversationDetail,
    ConversationPage,
    MessageOut,
    MessagePage,
    NewConversation,
    NewMessage,
    Page,
    Stopped,
    answers,
)
from app.api.streaming import ndjson_alternative, reply_stream
from app.extensions import db, limiter
from app.models import IN_FLIGHT, Conversation, Message
from app.services import cases, conversations, generation

TAGS = ["conversations"]
MESSAGE_TAGS = ["messages"]
STOP_WAIT_S = 2.0


def owned(cid: str) -> Conversation:
    """The key's conversation with this id (404 for anyone else's: never 403)."""
    return actions.conversation_of(principal.current().owner, cid)


def reply_answer(conversation: Conversation, reply: Message) -> Response:
    """202 with a turn that has started, and its Location to poll or stream."""
    db.session.commit()
    body = present.message(conversation, reply)
    return json_response(body, 202, body["url"])


# The pages' budget for model calls, counted per key.
model_limited = limiter.shared_limit(
    limits.message_limit,
    scope=limits.MODEL_SCOPE,
    key_func=principal.limit_key,
    override_defaults=False,
)


@bp.get("/conversations")
@spec.validate(query=Page, resp=Documented(**answers({200: ConversationPage})), tags=TAGS)
def list_conversations() -> Response:
    """The key's conversations, newest first (``cursor`` from ``next_cursor``)."""
    query: Page = request.context.query  # type: ignore[attr-defined]
    found = conversations.page_owned(principal.current().owner or "", query.limit, query.position)
    busy = conversations.busy_ids([item.id for item in found])
    return page_answer(
        found,
        query.limit,
        lambda item: present.conversation(item, busy=item.id in busy),
        lambda item: item.id,
    )


@bp.post("/conversations")
@limiter.limit(limits.start_limit, key_func=principal.limit_key, override_defaults=False)
@spec.validate(
    json=NewConversation,
    resp=Documented(**answers({201: ConversationDetail}, 409, 413, 415, 422, 503)),
    tags=TAGS,
)
def create_conversation() -> Response:
    """Start a conversation: empty, with a first message (the reply is then on its way), or
    from a document type and its fields (the letter is made at once, no model involved)."""
    body: NewConversation = request.context.json  # type: ignore[attr-defined]
    owner = principal.current().owner or ""
    if body.document is not None:
        conversation = actions.start_from_fields(
            owner,
            body.document.type,
            body.document.fields,
            blanks_ok=body.document.allow_blanks,
            strict=True,
        )
    elif body.message is not None:
        # A first message calls the model: it spends the same budget as any other.
        with model_limited:
            pass
        conversation = actions.start_with_message(owner, body.topic, body.message)
    else:
        conversation = conversations.start(owner, body.topic)
    db.session.commit()
    payload = present.conversation_detail(conversation)
    return json_response(payload, 201, payload["url"])


@bp.get("/conversations/<cid>")
@spec.validate(resp=Documented(**answers({200: ConversationDetail})), tags=TAGS)
def get_conversation(cid: str) -> Response:
    """A conversation with every message, its letter (current version in full) and its
    deadline. Send ``If-None-Match`` with the last ETag to get 304 while nothing changed."""
    conversation = owned(cid)
    actions.release_lost(conversation)
    return json_with_etag(present.conversation_detail(conversation))


@bp.delete("/conversations/<cid>")
@spec.validate(resp=Documented(**answers({204: None}, 503)), tags=TAGS)
def delete_conversation(cid: str) -> Response:
    """Delete the conversation with its letter, versions and PDFs, at once and for good."""
    conversation = owned(cid)
    try:
        cases.delete_case(
            conversation, storage_dir=current_app.config["STORAGE_DIR"], bus=clients.bus()
        )
    except cases.CaseError as exc:
        raise ApiError(503) from exc
    return Response(status=204)


@bp.get("/conversations/<cid>/messages")
@spec.validate(query=Page, resp=Documented(**answers({200: MessagePage})), tags=MESSAGE_TAGS)
def list_messages(cid: str) -> Response:
    """The conversation's messages, oldest first (``cursor`` from ``next_cursor``)."""
    conversation = owned(cid)
    query: Page = request.context.query  # type: ignore[attr-defined]
    found = conversations.page_messages(conversation, query.limit, query.position)
    return page_answer(
        found, query.limit, lambda item: present.message(conversation, item), lambda m: m.id
    )


@bp.post("/conversations/<cid>/messages")
@model_limited
@spec.validate(
    json=NewMessage,
    resp=Documented(**answers({202: MessageOut}, 409, 413, 415, 422, 503)),
    tags=MESSAGE_TAGS,
)
def send_message(cid: str) -> Response:
    """Send a message. The answer (202) is the reply, pending; its ``Location`` can be
    polled, or read with ``Accept: application/x-ndjson`` as it is written."""
    conversation = owned(cid)
    body: NewMessage = request.context.json  # type: ignore[attr-defined]
    return reply_answer(conversation, actions.send_message(conversation, body.message))


def _stream_message(cid: str, mid: int) -> Response:
    conversation = owned(cid)
    message = conversations.get_message(conversation, mid)
    if message is None:
        raise ApiError(404)
    return reply_stream(conversation, message)


@bp.get("/conversations/<cid>/messages/<int:mid>")
@ndjson_alternative(_stream_message)
@spec.validate(resp=Documented(**answers({200: MessageOut})), tags=MESSAGE_TAGS)
def get_message(cid: str, mid: int) -> Response:
    """One message: poll a reply's ``status`` until it is no longer pending or streaming,
    or ask with ``Accept: application/x-ndjson`` to get its chunks as they are written:
    ``{"event": "reply"}``, then ``{"event": "chunk", "text"}`` lines, then
    ``{"event": "done", "reply"}``."""
    conversation = owned(cid)
    message = conversations.get_message(conversation, mid)
    if message is None:
        raise ApiError(404)
    if message.status in IN_FLIGHT:
        actions.release_lost(conversation)
        db.session.refresh(message)
    return json_response(present.message(conversation, message))


@bp.post("/conversations/<cid>/stop")
@spec.validate(resp=Documented(**answers({200: Stopped}, 409)), tags=MESSAGE_TAGS)
def stop(cid: str) -> Response:
    """Stop the reply being written; what was written so far is kept."""
    conversation = owned(cid)
    stopped = actions.stop(conversation)
    if stopped is None:
        raise actions.ActionError("nothing_to_stop")
    generation.wait_finished(stopped, STOP_WAIT_S)
    return json_response({"stopped": present.message(conversation, stopped)})


@bp.post("/conversations/<cid>/retry")
@model_limited
@spec.validate(resp=Documented(**answers({202: MessageOut}, 409, 503)), tags=MESSAGE_TAGS)
def retry(cid: str) -> Response:
    """Ask the model again for the last message that has no usable reply."""
    conversation = owned(cid)
    return reply_answer(conversation, actions.retry(conversation))


@bp.post("/conversations/<cid>/draft")
@model_limited
@spec.validate(resp=Documented(**answers({202: MessageOut}, 409, 503)), tags=MESSAGE_TAGS)
def draft(cid: str) -> Response:
    """Let the model draft the letter from the conversation (a turn like a reply: poll or
    stream it; when it is done, the letter has a new version)."""
    conversation = owned(cid)
    return reply_answer(conversation, actions.draft(conversation))
