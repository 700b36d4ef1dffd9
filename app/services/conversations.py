"""Conversations and their messages: ownership, validation, titles and the model's history."""

from __future__ import annotations

import hashlib

from sqlalchemy import or_, select, update

from app.extensions import db
from app.legal import get_topic
from app.models import (
    IN_FLIGHT,
    Conversation,
    ConversationOwner,
    Message,
    MessageKind,
    MessageStatus,
    Role,
)
from app.models.base import utcnow
from app.models.conversation import DEFAULT_TITLE
from app.services import prompts
from app.services.text import clean_line, clean_text

# Replies that go back to the model as history (an interrupted one keeps what it said).
USABLE = (MessageStatus.COMPLETE, MessageStatus.PARTIAL, MessageStatus.INTERRUPTED)
MAX_MESSAGE_CHARS = 4000
HISTORY_MESSAGES = 20


class InputError(ValueError):
    """Input the person can fix; ``code`` says what (message_empty, message_too_long)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def owner_hash(token: str) -> str:
    """Hash a browser session's owner token; only the hash is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def start(owner: str, topic_key: str | None = None, *, commit: bool = True) -> Conversation:
    """Create an empty conversation owned by the given owner hash (committed unless the
    caller commits it with more)."""
    topic = get_topic(topic_key)
    conversation = Conversation(topic=topic.key if topic else None)
    conversation.owners.append(ConversationOwner(owner_hash=owner))
    if topic:
        conversation.title = topic.title
    db.session.add(conversation)
    if commit:
        db.session.commit()
    return conversation


def set_topic(conversation: Conversation, topic_key: str | None) -> bool:
    """Set the conversation's topic from the catalogue; False for an unknown key."""
    topic = get_topic(topic_key)
    if topic is None:
        return False
    conversation.topic = topic.key
    db.session.commit()
    return True


def claim_situation(conversation: Conversation, key: str, *, replacing: str | None = None) -> str:
    """Record what the model recognised unless the person chose otherwise meanwhile.

    A conditional update: it only fills an empty situation (or replaces ``replacing``), so a
    choice made while the model was working is never overwritten. Returns the situation the
    case has afterwards.
    """
    allowed = Conversation.situation.is_(None)
    if replacing:
        allowed = or_(allowed, Conversation.situation == replacing)
    db.session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, allowed)
        .values(situation=key)
    )
    db.session.commit()
    db.session.refresh(conversation)
    return conversation.situation or key


def set_situation(conversation: Conversation, key: str | None) -> None:
    """Record which catalogue situation (or out-of-scope kind) the case is about."""
    conversation.situation = key
    db.session.commit()


def get_owned(public_id: str, owner: str | None) -> Conversation | None:
    """The conversation with this public id if this owner owns it, else None."""
    if not owner or not public_id or len(public_id) > 32:
        return None
    return db.session.scalar(
        select(Conversation)
        .join(ConversationOwner)
        .where(Conversation.public_id == public_id, ConversationOwner.owner_hash == owner)
    )


def list_owned(owner: str | None, limit: int = 50) -> list[Conversation]:
    """This browser's cases, the most recently touched first."""
    if not owner:
        return []
    return list(
        db.session.scalars(
            select(Conversation)
            .join(ConversationOwner)
            .where(ConversationOwner.owner_hash == owner)
            .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
            .limit(limit)
        )
    )


def clean_message(text: str | None) -> str:
    """Validate a chat message and return it cleaned and trimmed, or raise InputError."""
    # Browsers count a line break as one character for maxlength but send CRLF;
    # clean_text turns that into LF and drops controls that could later reach a letter.
    text = clean_text(text or "").strip()
    if not text:
        raise InputError("message_empty")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InputError("message_too_long")
    return text


def short_title(text: str, limit: int = 60) -> str:
    """The first line of a message, cut at a word boundary with an ellipsis if too long."""
    # The title is shown in <title> and the page heading, so no controls or bidi overrides.
    line = clean_line(text)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut.rstrip(",.;:-–—") + "…"


def touch(conversation: Conversation) -> None:
    """Mark the case as used now: retention counts from ``updated_at``.

    Its ``onupdate`` fires only when a column of the conversation row itself changes, not
    when a message, version or render is added under it, so the services call this.
    """
    conversation.updated_at = utcnow()


def add_user_message(conversation: Conversation, text: str, *, commit: bool = True) -> Message:
    """Store the person's message (already validated); commit unless the caller will."""
    if conversation.title in (DEFAULT_TITLE, "") and not conversation.topic:
        conversation.title = short_title(text)
    touch(conversation)
    message = Message(conversation=conversation, role=Role.USER, content=text)
    db.session.add(message)
    if commit:
        db.session.commit()
    return message


def _chat_turns(conversation: Conversation) -> list[Message]:
    return [m for m in conversation.messages if m.kind == MessageKind.CHAT]


def awaiting_reply(conversation: Conversation) -> bool:
    """True when the person's newest chat message has no usable reply and none is coming."""
    for message in reversed(_chat_turns(conversation)):
        if message.role == Role.USER:
            return True
        if message.status in IN_FLIGHT:
            return False
        if message.status in USABLE and message.content.strip():
            return False
    return False


def last_reply_failed(conversation: Conversation) -> bool:
    """True when the newest chat turn is a reply that failed (its bubble says why)."""
    turns = _chat_turns(conversation)
    return (
        bool(turns)
        and turns[-1].role == Role.ASSISTANT
        and turns[-1].status == (MessageStatus.ERROR)
    )


def model_history(
    conversation: Conversation, before: Message | None = None
) -> list[dict[str, str]]:
    """The system prompt plus the recent chat turns with text, as Ollama chat messages.

    Failed and in-flight replies and letter drafts are left out; ``before`` cuts the
    history at the turn being answered.
    """
    topic = get_topic(conversation.topic)
    turns = [
        {"role": message.role.value, "content": message.content}
        for message in _chat_turns(conversation)
        if (before is None or message.id < before.id)
        and message.status in USABLE
        and message.content.strip()
    ][-HISTORY_MESSAGES:]
    return [{"role": "system", "content": prompts.system_prompt(topic)}, *turns]


def page_owned(owner: str, limit: int, before_id: int | None) -> list[Conversation]:
    """A page of the owner's cases, newest first, starting before ``before_id``; one more
    than ``limit`` when there is a next page."""
    query = (
        select(Conversation)
        .join(ConversationOwner)
        .where(ConversationOwner.owner_hash == owner)
        .order_by(Conversation.id.desc())
        .limit(limit + 1)
    )
    if before_id is not None:
        query = query.where(Conversation.id < before_id)
    return list(db.session.scalars(query))


def busy_ids(conversation_ids: list[int]) -> set[int]:
    """Which of these conversations have a turn pending or streaming (one query)."""
    if not conversation_ids:
        return set()
    return set(
        db.session.scalars(
            select(Message.conversation_id).where(
                Message.conversation_id.in_(conversation_ids), Message.in_flight.is_(True)
            )
        )
    )


def page_messages(conversation: Conversation, limit: int, after_id: int | None) -> list[Message]:
    """A page of the conversation's messages, oldest first, after ``after_id``; one more
    than ``limit`` when there is a next page."""
    query = (
        select(Message)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.id)
        .limit(limit + 1)
    )
    if after_id is not None:
        query = query.where(Message.id > after_id)
    return list(db.session.scalars(query))


def get_message(conversation: Conversation, message_id: int) -> Message | None:
    """One message of this conversation, or None."""
    return db.session.scalar(
        select(Message).where(Message.id == message_id, Message.conversation_id == conversation.id)
    )
