"""A reply streamed as NDJSON while the model writes it.

Lines, in order: ``{"event": "reply", "reply": {...}}`` (its state when the stream opened),
then ``{"event": "chunk", "text": "..."}`` for every chunk from the first one on, then
``{"event": "done", "reply": {...}}`` with the stored, final reply. A stream opened after the
reply finished carries no chunks. The chunks come from the same bus the chat page reads, so
any web process can stream any reply, from its start, however late the client comes. After
20 s without a line (a long wait in the model's queue) a ``{"event": "ping"}`` line keeps
proxies from closing the connection; clients skip it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from flask import Response, request, stream_with_context

from app import clients
from app.api import present
from app.extensions import db
from app.models import IN_FLIGHT, Conversation, Message
from app.services import bus as channels

NDJSON = "application/x-ndjson"
# How long one wait on the bus lasts before the row is looked at again.
WAIT_S = 1.0
# Silence after which a ping line is sent.
PING_AFTER_S = 20.0


def wants_ndjson() -> bool:
    """True when the client asked for NDJSON rather than JSON."""
    return request.accept_mimetypes.best_match(["application/json", NDJSON]) == NDJSON


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


def _line(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False) + "\n"


def follow(conversation_id: int, message_id: int, give_up_s: float) -> Iterator[str]:
    """The NDJSON lines of one reply, until it is finished (or ``give_up_s`` has passed).

    It runs after the view has returned, in a context (and database session) of its own, so
    it loads its rows by id.
    """
    bus = clients.bus()
    conversation = db.session.get(Conversation, conversation_id)
    message = db.session.get(Message, message_id)
    if conversation is None or message is None:
        return
    yield _line({"event": "reply", "reply": present.message(conversation, message)})
    key, cursor = channels.message_key(message.id), channels.START
    give_up = time.monotonic() + give_up_s
    finished = message.status not in IN_FLIGHT
    db.session.commit()  # no transaction stays open while waiting
    last_line = time.monotonic()
    while not finished:
        events = bus.read({key: cursor}, WAIT_S)
        if events:
            last_line = time.monotonic()
        elif time.monotonic() - last_line > PING_AFTER_S:
            last_line = time.monotonic()
            yield _line({"event": "ping"})
        for _, event in events:
            cursor = event.id
            if event.kind == channels.TOKEN:
                yield _line({"event": "chunk", "text": event.data})
            elif event.kind == channels.DONE:
                finished = True
                break
        if not events:
            # No chunk for a while: the reply may have ended without a notice we could read
            # (its stream expired) or its job may be lost.
            db.session.refresh(message)
            db.session.commit()
            finished = message.status not in IN_FLIGHT or time.monotonic() > give_up
    db.session.refresh(message)
    yield _line({"event": "done", "reply": present.message(conversation, message)})
    db.session.commit()


def reply_stream(conversation: Conversation, message: Message, give_up_s: float) -> Response:
    """The streaming response for one reply."""
    response = Response(
        stream_with_context(follow(conversation.id, message.id, give_up_s)), mimetype=NDJSON
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx passes each line on at once
    return response
