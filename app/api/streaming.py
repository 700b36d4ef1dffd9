"""A reply followed while the model writes it: streamed as NDJSON, or waited for whole by the
legacy /api/chat.

NDJSON lines, in order: ``{"event": "reply", "reply": {...}}`` (its state when the stream
opened), then ``{"event": "chunk", "text": "..."}`` for every chunk from the first one on, then
``{"event": "done", "reply": {...}}`` with the stored, final reply. A stream opened after the
reply finished carries no chunks. The chunks come from the same bus the chat page reads, so
any web process can stream any reply, from its start, however late the client comes. After
20 s without a line (a long wait in the model's queue) a ``{"event": "ping"}`` line keeps
proxies from closing the connection; clients skip it. A key revoked while its stream is open
ends it with ``{"event": "error", "error": {...}}``.

Every follower holds one of its key's (or address's) few long-request slots.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from flask import Response, current_app, request, stream_with_context

from app import actions, clients, messages, principal
from app.api import present
from app.api.errors import ApiError
from app.extensions import db
from app.models import IN_FLIGHT, Conversation, Message
from app.models.base import utcnow
from app.services import api_keys, generation
from app.services import bus as channels

NDJSON = "application/x-ndjson"
# How long one wait on the bus lasts; how often the row and the key are looked at again.
WAIT_S = 1.0
CHECK_EVERY_S = 5.0
# Silence after which a ping line is sent.
PING_AFTER_S = 20.0
REVOKED = {"code": "UNAUTHORIZED", "message": messages.API_UNAUTHORIZED}


def wants_ndjson() -> bool:
    """True when the client named NDJSON, at least as gladly as JSON (``*/*`` is JSON)."""
    named = {value: quality for value, quality in request.accept_mimetypes}
    return named.get(NDJSON, 0) > 0 and named.get(NDJSON, 0) >= named.get("application/json", 0)


def ndjson_alternative(stream_view: Callable[..., Response]) -> Callable[..., Any]:
    """Serve ``stream_view`` instead of the decorated JSON view when NDJSON is asked for.

    It sits outside the schema validation, which would read a streamed body to its end.
    """

    def decorate(json_view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(json_view)
        def view(**kwargs: Any) -> Any:
            if wants_ndjson():
                return stream_view(**kwargs)
            return json_view(**kwargs)

        return view

    return decorate


def _slot_owner() -> str:
    return principal.current().limit_key


def _take_slot() -> str:
    who = _slot_owner()
    limit = int(current_app.config["API_LONG_REQUESTS"])
    ttl = int(current_app.config["GENERATION_DEADLINE"]) + 2 * generation.LOST_GRACE_S
    if not clients.slots().acquire(who, limit, ttl):
        raise ApiError(429, message=messages.API_TOO_MANY_LONG, details={"reason": "long_requests"})
    return who


@contextmanager
def long_request() -> Iterator[None]:
    """Hold one of the caller's long-request slots for the block (429 when none is free)."""
    who = _take_slot()
    try:
        yield
    finally:
        clients.slots().release(who)


def events(conversation_id: int, message_id: int, key_id: int | None) -> Iterator[dict]:
    """The events of one reply until it is finished.

    It runs on after the view has returned (streamed), so it loads its rows by id. The reply
    is finished at the latest when its turn is past the generation deadline: then its lost
    job is released, as the pages do.
    """
    bus = clients.bus()
    conversation = db.session.get(Conversation, conversation_id)
    message = db.session.get(Message, message_id)
    if conversation is None or message is None:
        return
    checked = time.monotonic()
    yield {"event": "reply", "reply": present.message(conversation, message)}
    deadline = float(current_app.config["GENERATION_DEADLINE"]) + generation.LOST_GRACE_S
    give_up = message.created_at + timedelta(seconds=deadline)
    key, cursor = channels.message_key(message.id), channels.START
    finished = message.status not in IN_FLIGHT
    db.session.commit()  # no transaction stays open while waiting
    last_line = time.monotonic()
    while not finished:
        found = bus.read({key: cursor}, WAIT_S)
        if time.monotonic() - checked >= CHECK_EVERY_S:
            checked = time.monotonic()
            # A key revoked meanwhile gets nothing more, not even what was already written.
            if key_id is not None and not api_keys.is_live(key_id):
                yield {"event": "error", "error": REVOKED}
                return
            if not found:
                finished = _ended(conversation, message, give_up)
        for _, event in found:
            cursor = event.id
            if event.kind == channels.TOKEN:
                last_line = time.monotonic()
                yield {"event": "chunk", "text": event.data}
            elif event.kind == channels.DONE:
                finished = True
                break
        if not found and not finished and time.monotonic() - last_line > PING_AFTER_S:
            last_line = time.monotonic()
            yield {"event": "ping"}
    db.session.refresh(message)
    yield {"event": "done", "reply": present.message(conversation, message)}
    db.session.commit()


def _ended(conversation: Conversation, message: Message, give_up: datetime) -> bool:
    """Look at the row: finished (perhaps without a notice we could read), or past its
    deadline, when its lost job is released as the pages do."""
    db.session.refresh(message)
    if message.status in IN_FLIGHT and utcnow() > give_up:
        actions.release_lost(conversation)
        db.session.refresh(message)
    db.session.commit()
    return message.status not in IN_FLIGHT


def _lines(found: Iterator[dict]) -> Iterator[str]:
    for event in found:
        yield json.dumps(event, ensure_ascii=False) + "\n"


def reply_stream(conversation: Conversation, message: Message) -> Response:
    """The NDJSON response for one reply; it holds a long-request slot until it is closed."""
    who = _take_slot()
    followed = events(conversation.id, message.id, principal.current().key_id)
    response = Response(stream_with_context(_lines(followed)), mimetype=NDJSON)
    # Runs when the server closes the response, whether or not the body was ever read.
    slots = clients.slots()
    response.call_on_close(lambda: slots.release(who))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx passes each line on at once
    return response


def wait_reply(conversation: Conversation, message: Message) -> Message:
    """Wait until a reply is finished (legacy /api/chat); 401 if the key is revoked meanwhile."""
    for event in events(conversation.id, message.id, principal.current().key_id):
        if event["event"] == "error":
            raise ApiError(401)
    db.session.refresh(message)
    return message
