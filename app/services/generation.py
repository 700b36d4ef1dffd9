"""Model turns as rows with a state: start one, run it while streaming its chunks, stop it.

Starting a turn stores the person's message (for a chat) and a pending assistant message in
one transaction. The unique index on (conversation_id, in_flight) lets the database refuse a
second turn while one is pending or streaming, so a double click or a second tab never makes
two model calls. The job then moves the row forward only through conditional updates:
pending -> streaming -> complete / partial / interrupted / error; whoever finishes a row
first wins, and nothing ever moves it back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import ollama
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    IN_FLIGHT,
    Conversation,
    Message,
    MessageKind,
    MessageStatus,
    Role,
)
from app.models.base import utcnow
from app.observability import metrics
from app.services import bus as channels
from app.services import conversations, drafting, llm, revising
from app.services.bus import Bus
from app.services.markdown import render_markdown

# How long after its deadline an unfinished turn is certainly dead (its job was lost).
LOST_GRACE_S = 60
# Partial endings and the code stored with them; the page words each one.
CUT_SHORT = {"length", "stalled", "deadline", "failed", "timeout"}


class TurnError(Exception):
    """A turn that cannot start: ``code`` is busy, queue_full, empty, needs_chat or
    nothing_to_retry (adapters word it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class RunContext:
    """What a job needs besides the message id: where to talk and how long to wait."""

    client: ollama.Client
    settings: llm.LLMSettings
    bus: Bus
    today: date


@dataclass(frozen=True)
class TurnLimits:
    """How many turns may wait for the model, and how long one may take in all."""

    queue_limit: int
    deadline_s: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TurnLimits:
        """Read GENERATION_QUEUE_LIMIT and GENERATION_DEADLINE."""
        return cls(int(config["GENERATION_QUEUE_LIMIT"]), float(config["GENERATION_DEADLINE"]))


def _begin(
    conversation: Conversation,
    kind: MessageKind,
    limits: TurnLimits,
    text: str | None = None,
    request: str | None = None,
) -> Message:
    """Insert (the person's message and) a pending reply; the unique index refuses a second."""
    release_lost(conversation, limits.deadline_s + LOST_GRACE_S)
    added = [conversations.add_user_message(conversation, text, commit=False)] if text else []
    reply = Message(
        conversation=conversation,
        role=Role.ASSISTANT,
        kind=kind,
        status=MessageStatus.PENDING,
        in_flight=True,
        content="",
        request=request,
    )
    db.session.add(reply)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise TurnError("busy") from exc
    # Counted after the insert, so racing sends can only make the bound stricter.
    if queue_position(reply) >= limits.queue_limit:
        ids = [reply.id, *(message.id for message in added)]
        db.session.execute(delete(Message).where(Message.id.in_(ids)))
        db.session.commit()
        db.session.expire_all()
        raise TurnError("queue_full")
    return reply


def announce_start(message: Message, bus: Bus) -> None:
    """Tell every relay of the conversation that a turn started (after it was enqueued)."""
    channels.announce(bus, message.conversation_id, channels.STARTED, message.id)


def fail_unqueued(message: Message) -> None:
    """End a turn whose job could not be enqueued (the queue is down)."""
    _finish_row(message.id, MessageStatus.ERROR, error_code="queue_down")


def start_chat(conversation: Conversation, text: str, limits: TurnLimits) -> Message:
    """Store the person's message and a pending reply; the caller enqueues the job."""
    return _begin(conversation, MessageKind.CHAT, limits, text)


def start_retry(conversation: Conversation, limits: TurnLimits) -> Message:
    """A new pending reply to the person's last unanswered message."""
    if not conversations.awaiting_reply(conversation):
        raise TurnError("nothing_to_retry")
    return _begin(conversation, MessageKind.CHAT, limits)


def start_draft(conversation: Conversation, limits: TurnLimits) -> Message:
    """A pending letter draft; the chat must have something to draft from."""
    if not any(message.role == Role.USER for message in conversation.messages):
        raise TurnError("needs_chat")
    return _begin(conversation, MessageKind.DRAFT, limits)


def start_revise(conversation: Conversation, request: str, limits: TurnLimits) -> Message:
    """A pending revision of the letter's free text (``request`` is what was asked)."""
    return _begin(conversation, MessageKind.REVISE, limits, request=request)


def in_flight(conversation: Conversation) -> Message | None:
    """The conversation's pending or streaming turn, if any."""
    return db.session.scalar(
        select(Message).where(
            Message.conversation_id == conversation.id, Message.in_flight.is_(True)
        )
    )


def queue_position(message: Message) -> int:
    """How many turns of the whole service wait for the model before this one."""
    return db.session.scalar(
        select(func.count())
        .select_from(Message)
        .where(Message.status == MessageStatus.PENDING, Message.id < message.id)
    )


def stop(conversation: Conversation, bus: Bus) -> Message | None:
    """Stop the conversation's turn: a pending one ends at once, a streaming one is told to.

    Returns the turn that was stopped, or None when nothing was in flight.
    """
    message = in_flight(conversation)
    if message is None:
        return None
    bus.request_stop(message.id)
    if _finish_row(message.id, MessageStatus.INTERRUPTED, only_from=(MessageStatus.PENDING,)):
        _announce_done(bus, message, MessageStatus.INTERRUPTED)
    db.session.refresh(message)
    return message


def wait_finished(message: Message, timeout: float) -> bool:
    """Poll the row until the turn has finished or the timeout passes; True if finished."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.refresh(message)
        if message.status not in IN_FLIGHT or time.monotonic() >= deadline:
            db.session.commit()
            return message.status not in IN_FLIGHT
        db.session.commit()
        time.sleep(0.05)


def release_lost(conversation: Conversation, older_than_s: float) -> None:
    """End turns whose job vanished (a worker killed, Redis restarted) after their deadline."""
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    released = db.session.execute(
        update(Message)
        .where(
            Message.conversation_id == conversation.id,
            Message.in_flight.is_(True),
            Message.created_at < cutoff,
        )
        .values(
            status=MessageStatus.ERROR,
            error_code="lost",
            in_flight=None,
            finished_at=utcnow(),
        )
    )
    db.session.commit()
    metrics.reconciled("turn_lost", released.rowcount)


def _finish_row(message_id: int, status: MessageStatus, only_from=IN_FLIGHT, **values) -> bool:  # type: ignore[no-untyped-def]
    """Move a turn to a finished state if it is still in one of ``only_from``; True if it moved."""
    result = db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status.in_(only_from))
        .values(status=status, in_flight=None, finished_at=utcnow(), **values)
    )
    db.session.commit()
    return result.rowcount == 1


def _announce_done(bus: Bus, message: Message, status: MessageStatus) -> None:
    key = channels.message_key(message.id)
    bus.publish(key, channels.DONE, status.value)
    bus.expire(key, channels.DONE_TTL_S)
    channels.announce(bus, message.conversation_id, channels.FINISHED, message.id)


def run(message_id: int, ctx: RunContext) -> None:
    """The job: claim a pending turn, stream the model's reply, store how it ended."""
    claimed = db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == MessageStatus.PENDING)
        .values(status=MessageStatus.STREAMING, started_at=utcnow())
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return  # stopped while queued, or another attempt already ran it
    claimed_at = time.monotonic()
    message = db.session.get(Message, message_id)
    conversation = message.conversation
    kind = message.kind.value
    queued_for = (utcnow() - message.created_at).total_seconds()
    key = channels.message_key(message_id)
    last_check = [0.0]

    def should_stop() -> bool:
        now = time.monotonic()
        if now - last_check[0] < llm.TICK_S:
            return False
        last_check[0] = now
        return ctx.bus.stop_requested(message_id)

    def call(history: list[dict[str, str]], response_format: dict | None) -> llm.StreamResult:
        return llm.stream_chat(
            ctx.client,
            ctx.settings,
            history,
            on_text=lambda text: ctx.bus.publish(key, channels.TOKEN, text),
            should_stop=should_stop,
            response_format=response_format,
            started=time.monotonic() - max(0.0, queued_for),
        )

    try:
        made = None
        if message.kind == MessageKind.DRAFT:
            drafted = drafting.run(conversation, call, ctx.today)
            result, status, error_code = drafted.result, drafted.status, drafted.error_code
            html = None
        elif message.kind == MessageKind.REVISE:
            revised, made = revising.run(conversation, message.request, call, ctx.today)
            result, status, error_code = revised.result, revised.status, revised.error_code
            html = None
        else:
            history = conversations.model_history(conversation, before=message)
            db.session.commit()  # no transaction stays open during the model call
            result = call(history, None)
            status, error_code, html = _outcome(result, message.kind)
    except BaseException:
        # Anything unforeseen (the bus down, the job's own timeout): the row must not stay
        # "streaming"; the exception still reaches the queue, which records the failure.
        db.session.rollback()
        _finish_row(message_id, MessageStatus.ERROR, error_code="failed")
        wall_ms = (time.monotonic() - claimed_at) * 1000
        metrics.generation_finished(kind, "error", wall_ms, queue_wait_s=queued_for)
        raise
    _finish_row(
        message_id,
        status,
        content=result.content,
        html=html,
        error_code=error_code,
        model=result.model,
        prompt_tokens=result.prompt_tokens,
        completion_tokens=result.completion_tokens,
        load_ms=result.load_ms,
        eval_ms=result.eval_ms,
        total_ms=result.total_ms,
        wall_ms=result.wall_ms,
        ttft_ms=result.ttft_ms,
        tokens_per_s=result.tokens_per_s,
        **({"request": _with_version(message.request, made)} if made else {}),
    )
    # Whoever finished the row (this job, or a reconciliation), readers need the notice.
    db.session.refresh(message)
    metrics.generation_finished(
        kind,
        message.status.value,
        (time.monotonic() - claimed_at) * 1000,  # a draft may make several model calls
        ttft_ms=result.ttft_ms,
        tokens_per_s=result.tokens_per_s,
        queue_wait_s=queued_for,
    )
    _announce_done(ctx.bus, message, message.status)


def _outcome(
    result: llm.StreamResult, kind: MessageKind
) -> tuple[MessageStatus, str | None, str | None]:
    """Status, error code and stored HTML (chat replies only) for a streamed result."""
    has_text = bool(result.content.strip())
    html = render_markdown(result.content) if has_text and kind == MessageKind.CHAT else None
    if result.ending == "stop":
        return MessageStatus.COMPLETE, None, html
    if result.ending == "stopped":
        return MessageStatus.INTERRUPTED, None, html
    if has_text and result.ending in CUT_SHORT | {"unavailable", "model_missing"}:
        return MessageStatus.PARTIAL, result.ending, html
    return MessageStatus.ERROR, result.ending, None


def _with_version(request: str | None, number: int) -> str:
    """A revision's stored request, with the number of the version it made."""
    data = json.loads(request or "{}")
    return json.dumps({**data, "version": number}, ensure_ascii=False)
